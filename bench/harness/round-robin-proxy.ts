import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A load balancer for the bench's replicas: each HTTP request goes to the next target in turn, as an ALB
 * spreads webhooks and bootstrap requests over app tasks. Bodies are streamed both ways; a target that
 * cannot be reached answers 502, so the bench counts it as GitHub or an instance would.
 */
export interface RoundRobinProxy {
  url: string;
  setTargets(urls: readonly string[]): void;
  stop(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let targets: URL[] = [];
  let next = 0;
  // No cap on connections per target: an ALB has none, and a cap queued webhook deliveries behind the
  // bootstrap requests held for GitHub's budget (1,000 instances, 2 targets: 227 deliveries timed out).
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const target = targets[next++ % Math.max(1, targets.length)];
    if (!target) {
      res.writeHead(503).end();
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // The caller hung up (an instance's bootstrap timeout): hang up upstream too, as a load balancer does.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setTargets: (urls) => {
      targets = urls.map((u) => new URL(u));
    },
    stop: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
