/**
 * Chooses the App identity for the next JIT config: the one with the fewest calls in flight (waiting for
 * its budget or on the wire), ties taken in turn. Equal budgets then share a burst evenly, and an
 * identity that GitHub slows down or refuses gathers calls and is chosen less, without tracking why.
 */
export interface Pick<T> {
  item: T;
  index: number;
  release(): void;
}

export function createIdentityPicker<T>(items: readonly T[]) {
  const inFlight = items.map(() => 0);
  let turn = 0;
  return {
    /** The least busy identity not in `skip`; undefined when every identity is skipped. */
    acquire(skip: ReadonlySet<number> = new Set()): Pick<T> | undefined {
      let best = -1;
      for (let k = 0; k < items.length; k++) {
        const i = (turn + k) % items.length;
        if (skip.has(i)) continue;
        if (best === -1 || inFlight[i]! < inFlight[best]!) best = i;
      }
      if (best === -1) return undefined;
      turn = (best + 1) % items.length;
      inFlight[best]!++;
      let released = false;
      return {
        item: items[best]!,
        index: best,
        release: () => {
          if (released) return;
          released = true;
          inFlight[best]!--;
        },
      };
    },
    inFlight: (): readonly number[] => [...inFlight],
  };
}
