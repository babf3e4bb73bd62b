import { stringify } from "yaml";

/**
 * The warm scenario's boot model and pools (issue 13). RunsOn publishes what warm capacity buys on AWS:
 * a cold job starts in under 25 s, one on a stopped instance in under 15 s, one on a hot runner in under
 * 6 s (cited in issue 13). The sandbox scales boot time by TIME_SCALE so a run takes about a minute:
 * a cold RunInstances reaches `running` after COLD_BOOT_MS, a StartInstances after START_MS. Queue
 * times on top of these are Mayfly's own (webhook, queue, scaler, enrolment, the runner's first poll).
 */
export const TIME_SCALE = 0.4;
export const COLD_BOOT_MS = 25_000 * TIME_SCALE;
export const START_MS = 15_000 * TIME_SCALE;

/** Jobs per phase; the burst sends BURST_JOBS at once to a pool holding BURST_HOT + BURST_STOPPED warm. */
export const PHASE_JOBS = 3;
export const BURST_JOBS = 8;
export const BURST_HOT = 2;
export const BURST_STOPPED = 2;

const labels = (name: string) => ["self-hosted", "linux", "x64", `mayfly-${name}`];

/** One on-demand pool per source (stopped instances are on-demand only), and one for the burst. */
export function warmPoolsYaml(): string {
  const pool = (name: string, warm?: { hot: number; stopped: number }) => ({
    name,
    labels: labels(name),
    instanceTypes: ["m7i.large"],
    market: "on-demand",
    image: "ami-0123456789abcdef0",
    subnets: ["subnet-0a1b2c3d4e5f60001"],
    securityGroups: ["sg-0a1b2c3d4e5f60001"],
    maxRunners: 20,
    timeouts: { boot: "60s", idle: "60s", job: "10m" },
    allow: { orgs: ["acme"], repositories: ["acme/*"] },
    ...(warm ? { warm } : {}),
  });
  return stringify({
    version: 1,
    pools: [
      pool("hot", { hot: PHASE_JOBS, stopped: 0 }),
      pool("stopped", { hot: 0, stopped: PHASE_JOBS }),
      pool("cold"),
      pool("burst", { hot: BURST_HOT, stopped: BURST_STOPPED }),
    ],
  });
}

export const WARM_LABELS = {
  hot: labels("hot"),
  stopped: labels("stopped"),
  cold: labels("cold"),
  burst: labels("burst"),
};
