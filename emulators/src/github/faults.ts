import type { FailNextRule } from "./types.js";

/** API fault injection: the next N matching calls answer with a chosen status, and added latency. */
export class Faults {
  latencyMs: number;
  readonly #rules: FailNextRule[] = [];

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
  }

  failNext(rule: FailNextRule): void {
    if (rule.count > 0) this.#rules.push({ ...rule });
  }

  /** Takes one use of the first rule that matches, if any. */
  take(method: string, path: string, template: string | undefined): FailNextRule | undefined {
    const matches = (pattern: RegExp) => {
      pattern.lastIndex = 0;
      return pattern.test(path);
    };
    const index = this.#rules.findIndex(
      (r) =>
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (typeof r.path === "string" ? r.path === path || r.path === template : matches(r.path)),
    );
    const rule = this.#rules[index];
    if (!rule) return undefined;
    rule.count--;
    if (rule.count <= 0) this.#rules.splice(index, 1);
    return rule;
  }
}
