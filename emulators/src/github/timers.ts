/** Every timer the emulator starts: unref'd (never keeps a process alive) and all cleared by stop(). */
export class Timers {
  readonly #handles = new Set<NodeJS.Timeout>();

  set(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setTimeout(
      () => {
        this.#handles.delete(handle);
        fn();
      },
      Math.max(0, ms),
    );
    handle.unref();
    this.#handles.add(handle);
    return handle;
  }

  clear(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    this.#handles.delete(handle);
  }

  clearAll(): void {
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }
}
