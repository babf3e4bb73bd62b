import { parseArgs } from "node:util";

/**
 * `npm run bench -- [flags]`. Injected latencies default to the "realistic" figures: GitHub about
 * 80 ms a request, RunInstances about 400 ms, SQS about 10 ms; other EC2 actions 50 ms.
 */
export interface Latency {
  githubMs: number;
  runInstancesMs: number;
  ec2Ms: number;
  sqsMs: number;
}

export interface BenchOptions {
  /** Scenario names to run; all when empty. */
  only: string[];
  /** Repetitions for the repeatable scenarios (the burst and memory run once either way). */
  runs: number;
  burstJobs: number;
  /** App identities the burst's app issues JIT configs with (default 1). */
  appIdentities: number;
  /** App processes the burst runs behind one round-robin proxy (default 1). */
  replicas: number;
  /** Write a V8 CPU profile of each burst app process (node --cpu-prof) into the run's log folder. */
  cpuProf: boolean;
  latency: Latency;
  outDir: string;
  /** Rewrite the "Latest results" section of docs/benchmarks.md with this run. */
  updateDocs: boolean;
  help: boolean;
}

export const BENCH_USAGE = `npm run bench -- [options]
  --only=burst,steady,drift,intake,memory   scenarios to run (default: all)
  --runs=N                 repetitions of the repeatable scenarios (default 3)
  --burst-jobs=N           jobs in the burst (default 1000)
  --app-identities=N       App identities in the burst, 1-4 (default 1)
  --replicas=N             app replicas in the burst, behind one proxy, 1-3 (default 1)
  --cpu-prof               write a CPU profile of each burst app process (.bench/logs/)
  --github-latency=MS      added to every GitHub API answer (default 80)
  --run-instances-latency=MS   added to RunInstances (default 400)
  --ec2-latency=MS         added to other EC2 actions (default 50)
  --sqs-latency=MS         added to every SQS answer (default 10)
  --out=DIR                where results-<date>.json goes (default .bench)
  --update-docs            put this run's table in docs/benchmarks.md ("Latest results")`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: "string", default: "" },
      runs: { type: "string", default: "3" },
      "burst-jobs": { type: "string", default: "1000" },
      "app-identities": { type: "string", default: "1" },
      replicas: { type: "string", default: "1" },
      "cpu-prof": { type: "boolean", default: false },
      "github-latency": { type: "string", default: "80" },
      "run-instances-latency": { type: "string", default: "400" },
      "ec2-latency": { type: "string", default: "50" },
      "sqs-latency": { type: "string", default: "10" },
      out: { type: "string", default: ".bench" },
      "update-docs": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  return {
    only: values.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    runs: count("--runs", values.runs, 1, 20),
    burstJobs: count("--burst-jobs", values["burst-jobs"], 1, 10_000),
    appIdentities: count("--app-identities", values["app-identities"], 1, 4),
    replicas: count("--replicas", values.replicas, 1, 3),
    cpuProf: values["cpu-prof"],
    latency: {
      githubMs: count("--github-latency", values["github-latency"], 0, 10_000),
      runInstancesMs: count("--run-instances-latency", values["run-instances-latency"], 0, 10_000),
      ec2Ms: count("--ec2-latency", values["ec2-latency"], 0, 10_000),
      sqsMs: count("--sqs-latency", values["sqs-latency"], 0, 10_000),
    },
    outDir: values.out,
    updateDocs: values["update-docs"],
    help: values.help,
  };
}

function count(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}
