import { request } from "node:http";

/** One HTTP answer as the fuzz tests judge it: the status and the body, parsed when it is JSON. */
export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const contentType = res.headers.get("content-type") ?? "";
  return { status: res.status, contentType, body: parse(contentType, await res.text()) };
}

/** A clear refusal: a 4xx whose JSON body names the problem in `error`. */
export function isClearError(answer: Answer): boolean {
  const error = (answer.body as { error?: unknown } | null)?.error;
  return answer.status >= 400 && answer.status < 500 && typeof error === "string" && error.length > 0;
}

/**
 * POSTs a body on its own connection and resolves with the answer as soon as it arrives: a server may
 * refuse an oversized body before reading all of it and close the connection while the client is still
 * writing, which fetch reports as a network error although the answer came. `from` picks a loopback
 * source address (127.x.y.z) so per-source rate limits do not hide the answers behind them.
 */
export function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  from?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = {
      method: "POST",
      agent: false,
      localAddress: from,
      headers: { "content-type": "application/json", ...headers },
    };
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const contentType = String(res.headers["content-type"] ?? "");
        resolve({
          status: res.statusCode ?? 0,
          contentType,
          body: parse(contentType, Buffer.concat(chunks).toString("utf8")),
        });
      });
    });
    // Writing may fail once the server has answered and closed; the answer (or its absence) decides.
    req.on("error", (error) => setTimeout(() => reject(error), 1_000));
    req.end(body);
  });
}

function parse(contentType: string, text: string): unknown {
  return contentType.includes("application/json") ? JSON.parse(text) : text;
}
