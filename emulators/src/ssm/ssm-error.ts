/**
 * An error as Systems Manager answers it over AWS JSON 1.1: HTTP 400 with `{"__type":"<Shape>","message":"…"}`;
 * the SDK turns `__type` into the error's `name`. Shapes: API_GetParameter.html and API_GetParameters.html
 * ("Errors") in https://docs.aws.amazon.com/systems-manager/latest/APIReference/.
 */
export class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }

  get body(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}

export const validation = (message: string) => new SsmError("ValidationException", message);
