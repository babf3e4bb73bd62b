import type { IncomingMessage } from "node:http";
import type { Caller } from "./auth.js";

/** A tiny route table: `{name}` segments, exact paths (a trailing slash is a 404 on GitHub too). */

export type AuthKind = "app" | "installation" | "user" | "any" | "none";

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  caller: Caller;
  req: IncomingMessage;
  /** Absolute URL of this request without the query, for Link headers. */
  selfUrl: string;
  /** API base URL as the client addressed it (with `/api/v3` when used). */
  apiBase: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  template: string;
  /** Sent as `documentation_url` in errors from this route. */
  docs: string;
  auth: AuthKind;
  handler(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "wrong-method"; template: string }
  | { kind: "none" };

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      this.#routes.push({ route, pattern: new RegExp(`^${source}$`), names });
    }
    return this;
  }

  match(method: string, path: string): RouteMatch {
    let wrongMethod: string | undefined;
    for (const { route, pattern, names } of this.#routes) {
      const m = pattern.exec(path);
      if (!m) continue;
      if (route.method !== method && !(method === "HEAD" && route.method === "GET")) {
        wrongMethod ??= route.template;
        continue;
      }
      const params: Record<string, string> = {};
      try {
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] ?? "");
        });
      } catch {
        // Malformed percent-encoding names nothing GitHub has.
        return { kind: "none" };
      }
      return { kind: "found", route, params };
    }
    return wrongMethod ? { kind: "wrong-method", template: wrongMethod } : { kind: "none" };
  }
}
