import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BENCH_USAGE, parseBenchOptions } from "./harness/bench-options.js";
import { formatTable } from "./harness/format-table.js";
import { describeMachine, loadAverage } from "./harness/machine.js";
import { type ResultsHeader, replaceBetween, resultsMarkdown } from "./harness/results-markdown.js";
import { runScenarios } from "./harness/run-scenarios.js";
import { writeResults } from "./harness/write-results.js";
import { SCENARIOS } from "./scenarios/index.js";

/**
 * `npm run bench`: runs the scenarios against the sandbox with injected latency, prints the table, and
 * writes `.bench/results-<date>.json` (and, with --update-docs, the results section of
 * docs/benchmarks.md). Exit code 1 when a figure misses its target or a run did not finish. As the
 * bench's CLI entry it alone reads argv and the environment.
 */
const DOCS = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  // The SDK warns on every client about Node 20's end of support; the bench creates many clients.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (options.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const unknown = options.only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}; see --help`);
  const chosen = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.name));
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const results = await runScenarios(chosen, options, {
    progress: (line) => process.stderr.write(`${elapsed(startedAt)} ${line}\n`),
  });
  const figures = results.flatMap((r) => r.figures);
  const failedRuns = results.flatMap((r) =>
    r.runs.filter((run) => run.error).map((run) => `${r.name} run ${run.run} (${run.error})`),
  );
  const header: ResultsHeader = {
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: describeMachine(),
    latency: options.latency,
    loadAverage: { start: loadAtStart, end: loadAverage() },
    failedRuns,
  };
  const path = writeResults(options.outDir, startedAt, { ...header, options, scenarios: results });
  process.stdout.write(`\n${formatTable(figures)}\n\n${header.seconds} s in all; results in ${path}\n`);
  if (failedRuns.length > 0) process.stdout.write(`runs that did not finish: ${failedRuns.join("; ")}\n`);
  if (options.updateDocs) {
    const section = resultsMarkdown(header, figures);
    const docs = readFileSync(DOCS, "utf8");
    writeFileSync(DOCS, replaceBetween(docs, "<!-- results:start -->", "<!-- results:end -->", section));
    process.stdout.write(`updated ${DOCS}\n`);
  }
  return figures.some((f) => f.verdict === "fail") || failedRuns.length > 0 ? 1 : 0;
}

function elapsed(since: Date): string {
  const s = Math.round((Date.now() - since.getTime()) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
