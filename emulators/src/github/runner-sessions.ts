import { randomUUID } from "node:crypto";
import type { Timers } from "./timers.js";

/**
 * Runner sessions of the emulator's stand-in broker protocol (the real one is private): one session per
 * connected JIT config, and at most one long poll waiting per session.
 */

export type PollAnswer =
  | {
      kind: "job";
      job: {
        id: number;
        labels: string[];
        durationMs: number;
        conclusion: string;
        repo: string;
        org: string;
        runId: number;
      };
    }
  | { kind: "cancel"; jobId: number }
  | { kind: "idle" }
  | { kind: "removed" };

export interface Session {
  id: string;
  runnerId: number;
  closed: boolean;
  lastSeen: number;
}

interface Waiter {
  compute: () => PollAnswer | undefined;
  resolve: (answer: PollAnswer) => void;
  timer: NodeJS.Timeout;
}

export class RunnerSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #waiters = new Map<string, Waiter>();
  readonly #timers: Timers;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  open(runnerId: number, now: number): Session {
    const session: Session = { id: randomUUID(), runnerId, closed: false, lastSeen: now };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(sessionId: string): Session | undefined {
    return this.#sessions.get(sessionId);
  }

  /** Answers now if there is something to say, else waits up to `waitMs` for wake(). */
  wait(session: Session, waitMs: number, compute: () => PollAnswer | undefined): Promise<PollAnswer> {
    this.#settle(session.id, { kind: "idle" });
    const now = compute();
    if (now || waitMs <= 0) return Promise.resolve(now ?? { kind: "idle" });
    return new Promise((resolve) => {
      const timer = this.#timers.set(() => this.#settle(session.id, { kind: "idle" }), waitMs);
      this.#waiters.set(session.id, { compute, resolve, timer });
    });
  }

  /** Re-evaluates a waiting poll after the runner's situation changed. */
  wake(sessionId: string | null): void {
    if (!sessionId) return;
    const waiter = this.#waiters.get(sessionId);
    const answer = waiter?.compute();
    if (answer) this.#settle(sessionId, answer);
  }

  isWaiting(sessionId: string | null): boolean {
    return sessionId !== null && this.#waiters.has(sessionId);
  }

  close(sessionId: string | null): void {
    if (!sessionId) return;
    const session = this.#sessions.get(sessionId);
    if (session) session.closed = true;
    this.#settle(sessionId, { kind: "removed" });
  }

  /** Ends every waiting poll (emulator stop). */
  releaseAll(): void {
    for (const id of [...this.#waiters.keys()]) this.#settle(id, { kind: "idle" });
  }

  #settle(sessionId: string, answer: PollAnswer): void {
    const waiter = this.#waiters.get(sessionId);
    if (!waiter) return;
    this.#waiters.delete(sessionId);
    this.#timers.clear(waiter.timer);
    waiter.resolve(answer);
  }
}
