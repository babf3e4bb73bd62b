/** Calls, throttles and errors per action, for benchmarks and the dashboard. */
export interface Ec2Stats {
  calls: Record<string, number>;
  throttled: Record<string, number>;
  errors: Record<string, number>;
}

export class StatsCounter {
  readonly #calls = new Map<string, number>();
  readonly #throttled = new Map<string, number>();
  readonly #errors = new Map<string, number>();

  call(action: string): void {
    bump(this.#calls, action);
  }

  error(action: string, code: string): void {
    bump(this.#errors, action);
    if (code === "RequestLimitExceeded") bump(this.#throttled, action);
  }

  snapshot(): Ec2Stats {
    return {
      calls: Object.fromEntries(this.#calls),
      throttled: Object.fromEntries(this.#throttled),
      errors: Object.fromEntries(this.#errors),
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
