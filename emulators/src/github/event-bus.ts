import type { EmulatorEvent } from "./types.js";

/** Fan-out of emulator events; a throwing listener never breaks the emulator. */
export class EventBus {
  readonly #listeners = new Set<(e: EmulatorEvent) => void>();

  on(listener: (e: EmulatorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: EmulatorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug is the listener's problem.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
