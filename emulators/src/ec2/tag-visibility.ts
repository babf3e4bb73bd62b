/**
 * EC2 is eventually consistent: "the results of an API command you run might not be immediately
 * visible to all subsequent commands", tags included
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). With a delay set, a
 * CreateTags write is accepted at once but DescribeInstances (and IMDS tags) show it only `delayMs`
 * later, so a test can attack code that reads a tag it, or another replica, has just written.
 * The default is 0: visible at once.
 */
export class TagVisibility {
  #delayMs: number;
  readonly #now: () => number;
  readonly #pending: Array<{
    target: { tags: Record<string, string> };
    tags: Record<string, string>;
    visibleAt: number;
  }> = [];

  constructor(delayMs: number, now: () => number) {
    this.#delayMs = delayMs;
    this.#now = now;
  }

  setDelay(ms: number): void {
    this.#delayMs = ms;
  }

  write(target: { tags: Record<string, string> }, tags: Record<string, string>): void {
    if (this.#delayMs <= 0 && this.#pending.length === 0) {
      Object.assign(target.tags, tags);
      return;
    }
    this.#pending.push({ target, tags: { ...tags }, visibleAt: this.#now() + this.#delayMs });
  }

  /** Makes visible every write whose time has come, in write order. Readers call it first. */
  settle(): void {
    const now = this.#now();
    while (this.#pending.length > 0 && this.#pending[0]!.visibleAt <= now) {
      const next = this.#pending.shift()!;
      Object.assign(next.target.tags, next.tags);
    }
  }
}
