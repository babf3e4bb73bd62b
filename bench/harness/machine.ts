import { cpus, loadavg, totalmem, type } from "node:os";

/** The 1-minute load average: other work on the machine skews every figure, so results carry it. */
export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 10) / 10;
}

/** The machine the numbers come from, for the JSON file and docs/benchmarks.md. */
export function describeMachine() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    os: type(),
    node: process.version,
  };
}
