/**
 * An error as Secrets Manager answers it over AWS JSON 1.1: HTTP 400 with
 * `{"__type":"<Shape>","Message":"…"}`; the SDK turns `__type` into the error's `name`.
 * Shapes and messages: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * and API_PutSecretValue.html ("Errors"), CommonErrors.html for the authentication ones.
 */
export class SecretsManagerError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }

  get body(): { __type: string; Message: string } {
    return { __type: this.type, Message: this.message };
  }
}

export const notFound = () =>
  new SecretsManagerError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

export const invalidParameter = (message: string) =>
  new SecretsManagerError("InvalidParameterException", message);

export const invalidRequest = (message: string) =>
  new SecretsManagerError("InvalidRequestException", message);
