/**
 * The one way the page talks to the server: same-origin JSON, never cached, the CSRF token (from the
 * page's meta tag) on every write, and a 401 sends the browser back to sign-in.
 */

const CSRF = document.querySelector('meta[name="mayfly-csrf"]')?.getAttribute("content") ?? "";

export async function api<T>(path: string, options?: { method?: "GET" | "POST" }): Promise<T> {
  const method = options?.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = CSRF;
  const res = await fetch(path, { method, headers, credentials: "same-origin", cache: "no-store" });
  if (res.status === 401) {
    location.assign("/dashboard/login");
    throw new Error("signed out");
  }
  const body: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(errorOf(body) ?? `HTTP ${res.status}`);
  return body as T;
}

function errorOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  return body.error ? String(body.error) : undefined;
}
