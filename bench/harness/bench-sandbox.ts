import { type Sandbox, type SandboxOptions, startSandbox } from "../../sandbox/sandbox.js";
import type { Latency } from "./bench-options.js";

/**
 * The sandbox with the bench's injected latencies: every GitHub API answer, RunInstances, every other EC2
 * action and every SQS answer. Rate limits and EC2's token buckets stay at the documented defaults.
 */
export function startBenchSandbox(latency: Latency, options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    ...options,
    sqsLatencyMs: latency.sqsMs,
    github: { ...options.github, latencyMs: latency.githubMs },
    ec2: {
      ...options.ec2,
      latencyMs: { "*": latency.ec2Ms, RunInstances: latency.runInstancesMs },
    },
  });
}
