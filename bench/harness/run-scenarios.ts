import { join } from "node:path";
import type { BenchOptions } from "./bench-options.js";
import { type FigureResult, judge } from "./figure.js";
import type { Scenario, ScenarioRun } from "./scenario.js";
import { summarize } from "./summarize.js";
import { within } from "./wait-until.js";

export interface RunRecord {
  run: number;
  seconds: number;
  values?: ScenarioRun["values"];
  details?: ScenarioRun["details"];
  error?: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  runs: RunRecord[];
  figures: FigureResult[];
}

/**
 * Runs each scenario its number of times, one after another (they share two cores), and summarises each
 * figure over the runs. A failed run is recorded with its error and the rest go on; a timed-out run ends
 * its scenario, since whatever it left running would skew the next run.
 */
export async function runScenarios(
  scenarios: readonly Scenario[],
  options: BenchOptions,
  io: { progress: (line: string) => void },
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const total = scenario.runs(options);
    const runs: RunRecord[] = [];
    for (let run = 1; run <= total; run++) {
      const say = (message: string) => io.progress(`[${scenario.name} ${run}/${total}] ${message}`);
      const started = Date.now();
      let diagnose: (() => Record<string, unknown>) | undefined;
      const abort = new AbortController();
      say("starting");
      const running = scenario.run({
        options,
        run,
        signal: abort.signal,
        logPath: (name) => join(options.outDir, "logs", `${scenario.name}-${run}-${name}`),
        progress: say,
        explain: (fn) => {
          diagnose = fn;
        },
      });
      try {
        const result = await within(running, scenario.runTimeoutMs(options), `${scenario.name} run ${run}`);
        const { values, details, error } = result;
        runs.push({ run, seconds: secondsSince(started), values, details, ...(error ? { error } : {}) });
        say(
          error
            ? `INCOMPLETE after ${secondsSince(started)} s: ${error}`
            : `done in ${secondsSince(started)} s`,
        );
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        runs.push({ run, seconds: secondsSince(started), error: message, details: safely(diagnose) });
        say(`FAILED: ${message}`);
        if (error instanceof Error && error.name === "BenchTimeoutError") {
          // Let the run unwind through its own teardown before anything else starts on these cores.
          abort.abort();
          await within(running, 60_000, "tearing down the stopped run").catch(() => undefined);
          break;
        }
      }
    }
    const specs = scenario.figuresFor?.(options) ?? scenario.figures;
    const figures = specs.map((spec) => {
      const summary = summarize(runs.map((r) => r.values?.[spec.id]));
      return { ...spec, scenario: scenario.name, summary, verdict: judge(spec, summary) };
    });
    results.push({ name: scenario.name, title: scenario.title, runs, figures });
  }
  return results;
}

function secondsSince(start: number): number {
  return Math.round((Date.now() - start) / 100) / 10;
}

function safely(diagnose: (() => Record<string, unknown>) | undefined): Record<string, unknown> | undefined {
  try {
    return diagnose?.();
  } catch (error) {
    return { diagnoseFailed: String(error) };
  }
}
