/**
 * A clock the sandbox can move forward: real time plus an offset. The app and the EC2 emulator share it,
 * so a test can jump past a boot or idle timeout without waiting for it.
 */
export class SandboxClock {
  #offset = 0;
  readonly now = (): number => Date.now() + this.#offset;
  advance(ms: number): void {
    this.#offset += ms;
  }
}
