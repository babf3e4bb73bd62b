/** An error of the emulator's own `/_emulator/` endpoints (control and runner protocol): `{ message }`. */
export class ControlError extends Error {
  override name = "ControlError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
