import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * One webhook POST, judged the way GitHub judges it: a 2xx within the timeout is "OK"; anything else
 * is a failed delivery that GitHub does not retry on its own
 * (github/docs handling-failed-webhook-deliveries.md). No keep-alive agent, so nothing outlives stop().
 */

export interface PostOutcome {
  statusCode: number;
  status: string;
  durationMs: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

const MAX_RECORDED_BODY = 4096;

export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: Omit<PostOutcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const failed = (status: string, statusCode: number) =>
      finish({ statusCode, status, responseHeaders: {}, responseBody: "" });

    let target: URL;
    try {
      target = new URL(url);
    } catch {
      failed("invalid webhook URL", 502);
      return;
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "POST",
      agent: false,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      signal,
    });
    timer = setTimeout(() => {
      failed("timed out", 504);
      req.destroy();
    }, timeoutMs);
    timer.unref();

    req.on("error", () => failed(signal.aborted ? "aborted" : "failed to connect", 502));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RECORDED_BODY) chunks.push(chunk);
      });
      res.on("error", () => failed("failed to read the response", 502));
      res.on("end", () => {
        const statusCode = res.statusCode ?? 502;
        const ok = statusCode >= 200 && statusCode < 300;
        const responseHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
        }
        finish({
          statusCode,
          status: ok ? "OK" : `Invalid HTTP Response: ${statusCode}`,
          responseHeaders,
          responseBody: Buffer.concat(chunks).toString("utf8").slice(0, MAX_RECORDED_BODY),
        });
      });
    });
    req.end(body);
  });
}
