import type { BenchOptions } from "./bench-options.js";
import type { FigureSpec } from "./figure.js";

/** One benchmark scenario: a file under bench/scenarios/, run one or more times by run-scenarios.ts. */
export interface Scenario {
  name: string;
  /** One line for the table and the docs. */
  title: string;
  figures: readonly FigureSpec[];
  /** The figures with targets that depend on the options (e.g. the burst's App identities); else `figures`. */
  figuresFor?(options: BenchOptions): readonly FigureSpec[];
  runs(options: BenchOptions): number;
  /** Backstop for one run; the scenario's own waits time out first with a precise message. */
  runTimeoutMs(options: BenchOptions): number;
  run(context: ScenarioContext): Promise<ScenarioRun>;
}

export interface ScenarioContext {
  options: BenchOptions;
  /** 1-based. */
  run: number;
  /** Aborted when the run passes its time limit: pass it to every wait so the run unwinds and tears down. */
  signal: AbortSignal;
  /** Where a run may write logs: `<outDir>/logs/<scenario>-<run>.log` etc. */
  logPath(name: string): string;
  progress(message: string): void;
  /** Registers what to record about a run that fails (counts so far), to explain where it stuck. */
  explain(diagnose: () => Record<string, unknown>): void;
}

export interface ScenarioRun {
  /** Figure id → this run's value. */
  values: Record<string, number | undefined>;
  /** Anything worth keeping in the JSON file (per-route call counts, configuration). */
  details?: Record<string, unknown>;
  /** Set when the run ended without reaching its end state: the values are what it measured until then. */
  error?: string;
}
