import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/**
 * One Mayfly role in its own process (`node <nodeArgs>`: the app bundle, or `--import tsx src/main.ts`),
 * so the chaos runner can SIGKILL it at any point and start it again with the same environment, as an
 * orchestrator would. Every line it logs (pino JSON) is handed to `onLog`; `start` resolves once the
 * process logs "mayfly started".
 */
export type AppLog = Record<string, unknown> & { msg?: string; level?: number };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const START_TIMEOUT_MS = 60_000;

/**
 * Preloaded into every role: exit once the test process that started it is gone (it was reparented), so
 * a test run that dies or times out leaves no app process behind.
 */
const EXIT_WITH_PARENT = `data:text/javascript,setInterval(()=>{if(process.ppid!==${process.pid})process.exit(70)},1000).unref()`;

export class RoleProcess {
  readonly role: string;
  readonly #nodeArgs: readonly string[];
  readonly #env: Record<string, string>;
  readonly #onLog: (log: AppLog, incarnation: number) => void;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #incarnation = 0;

  constructor(
    role: string,
    nodeArgs: readonly string[],
    env: Record<string, string>,
    onLog: (log: AppLog, incarnation: number) => void,
  ) {
    this.role = role;
    this.#nodeArgs = nodeArgs;
    this.#env = env;
    this.#onLog = onLog;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error(`${this.role} is already running`);
    const incarnation = ++this.#incarnation;
    const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT, ...this.#nodeArgs], {
      cwd: ROOT,
      env: this.#env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4000);
    });
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.role} did not start in time`)),
        START_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const log = parseLine(line);
        this.#onLog(log, incarnation);
        if (log.msg === "mayfly started") {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.#exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.role} exited before it started: ${stderr.trim()}`));
      });
    });
    await started;
  }

  /** SIGKILL: no graceful stop, in-flight work is lost as in a crash. */
  async kill(): Promise<void> {
    this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

function parseLine(line: string): AppLog {
  try {
    const value = JSON.parse(line) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as AppLog;
  } catch {
    // Not JSON: keep the text.
  }
  return { msg: line };
}
