import type { MiddlewareHandler } from "hono";

/**
 * Headers on every dashboard and API response. The CSP allows only this origin's own script and style
 * files (no inline code, no CDN, no fonts); the rest keeps the pages out of frames, keeps the OAuth code
 * out of Referer headers, and keeps browsers from caching data.
 * https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("content-security-policy", CONTENT_SECURITY_POLICY);
    h.set("x-content-type-options", "nosniff");
    h.set("x-frame-options", "DENY");
    h.set("referrer-policy", "no-referrer");
    h.set("cross-origin-opener-policy", "same-origin");
    h.set("cross-origin-resource-policy", "same-origin");
    h.set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    if (options.https) h.set("strict-transport-security", "max-age=31536000");
    if (!h.has("cache-control")) h.set("cache-control", "no-store");
  };
}
