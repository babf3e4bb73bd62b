import { writeFileSync } from "node:fs";

/**
 * The event trace of one chaos run: what the runner did (workload, faults, kills), what the outside world
 * saw (GitHub emulator job and runner events, EC2 state changes) and what the app logged, in arrival
 * order with milliseconds since the run started. A failing seed prints its tail and writes it whole.
 */
export interface TraceLine {
  atMs: number;
  source: string;
  text: string;
}

export class Trace {
  readonly #lines: TraceLine[] = [];
  readonly #startedAt: number;

  constructor(startedAt = Date.now()) {
    this.#startedAt = startedAt;
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Date.now() - this.#startedAt;
  }

  add(source: string, text: string): void {
    this.#lines.push({ atMs: this.elapsed(), source, text });
  }

  lines(): readonly TraceLine[] {
    return this.#lines;
  }

  format(lines: readonly TraceLine[] = this.#lines): string {
    return lines
      .map((l) => `${(l.atMs / 1000).toFixed(3).padStart(8)}s ${l.source.padEnd(9)} ${l.text}`)
      .join("\n");
  }

  tail(count: number): string {
    return this.format(this.#lines.slice(-count));
  }

  writeTo(path: string): void {
    writeFileSync(path, `${this.format()}\n`);
  }
}
