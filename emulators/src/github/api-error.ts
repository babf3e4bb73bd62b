/**
 * GitHub's REST error answers: `{ message, documentation_url, status }` where `status` is the HTTP
 * status as a string (GitHub added it in 2024; e.g. actions/create-github-app-token#258 shows
 * `"status": "403"`). Route handlers throw ApiError; server.ts turns it into the answer in one place.
 */

export const DOCS_REST = "https://docs.github.com/rest";
export const DOCS_RATE_LIMITS =
  "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
export const DOCS_PRIMARY_RATE_LIMITS =
  "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limits";

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly documentationUrl: string | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    message: string,
    options: {
      documentationUrl?: string;
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.documentationUrl = options.documentationUrl;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  body(routeDocs: string | undefined): Record<string, unknown> {
    return {
      message: this.message,
      ...this.extra,
      documentation_url: this.documentationUrl ?? routeDocs ?? DOCS_REST,
      status: String(this.status),
    };
  }
}

export const notFound = (): ApiError => new ApiError(404, "Not Found");

export const badCredentials = (): ApiError =>
  new ApiError(401, "Bad credentials", { documentationUrl: DOCS_REST });

export const requiresAuthentication = (): ApiError => new ApiError(401, "Requires authentication");

/** Installation or user tokens used where they have no access; names the permission GitHub wanted. */
export function notAccessible(permission?: string): ApiError {
  return new ApiError(403, "Resource not accessible by integration", {
    headers: permission ? { "x-accepted-github-permissions": permission } : {},
  });
}

/** GitHub's JSON-schema validation answer for bad request bodies. */
export function invalidRequest(detail: string): ApiError {
  return new ApiError(422, `Invalid request.\n\n${detail}`);
}

export function validationFailed(errors: { resource: string; field: string; code: string }[]): ApiError {
  return new ApiError(422, "Validation Failed", { extra: { errors } });
}
