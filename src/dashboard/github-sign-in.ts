import { z } from "zod";
import type { Installations } from "../github/installations.js";
import { type AccessDecision, decideAccess, type Membership } from "./decide-access.js";

/**
 * GitHub's OAuth web flow for the App's user-to-server token, then the access decision. The user token is
 * used for these few calls and dropped: it is never stored, logged or put in the session.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
 */

/**
 * GitHub answered in a way sign-in cannot continue from; `userFacing` says what to show, `status` is 400
 * when the browser brought a bad code and 502 when GitHub failed.
 */
export class SignInError extends Error {
  override name = "SignInError";
  constructor(
    message: string,
    readonly userFacing: string,
    readonly status: 400 | 502 = 502,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface GitHubSignInOptions {
  fetch: typeof fetch;
  webUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** `org/team-slug` whose active members may sign in and see everything. */
  team?: string;
  installations: Pick<Installations, "list">;
  timeoutMs?: number;
}

const tokenAnswer = z.union([
  z.object({ access_token: z.string().min(1) }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);
const userAnswer = z.object({ login: z.string().min(1) });
const membershipAnswer = z.object({ state: z.string(), role: z.string().optional() });

export function createGitHubSignIn(options: GitHubSignInOptions) {
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(url: string, init: RequestInit): Promise<Response> {
    try {
      return await options.fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const message = `GitHub unreachable: ${(error as Error).message}`;
      throw new SignInError(message, "GitHub did not answer.", 502, { cause: error });
    }
  }

  async function exchange(code: string, redirectUri: string): Promise<string> {
    const res = await call(`${options.webUrl}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        code,
        redirect_uri: redirectUri,
      }),
    });
    const answer = tokenAnswer.safeParse(res.ok ? await res.json().catch(() => undefined) : undefined);
    if (!answer.success)
      throw new SignInError(`token exchange answered ${res.status}`, "GitHub refused the sign-in.");
    if ("error" in answer.data) {
      if (answer.data.error === "bad_verification_code") {
        throw new SignInError(
          "token exchange: bad code",
          "The sign-in code has expired or was already used.",
          400,
        );
      }
      throw new SignInError(`token exchange failed: ${answer.data.error}`, "GitHub refused the sign-in.");
    }
    return answer.data.access_token;
  }

  /** GET with the user token; undefined for 404/403 (no such membership, or not visible to the user). */
  async function get<T>(token: string, path: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const res = await call(`${options.apiUrl}${path}`, {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "x-github-api-version": "2022-11-28",
        "user-agent": "mayfly-dashboard",
      },
    });
    if (res.status === 404 || res.status === 403) return undefined;
    const parsed = schema.safeParse(res.ok ? await res.json().catch(() => undefined) : undefined);
    if (!parsed.success)
      throw new SignInError(`GET ${path} answered ${res.status}`, "GitHub did not answer as expected.");
    return parsed.data;
  }

  return {
    authorizeUrl(state: string, redirectUri: string): string {
      const query = new URLSearchParams({
        client_id: options.clientId,
        redirect_uri: redirectUri,
        state,
        allow_signup: "false",
      });
      return `${options.webUrl}/login/oauth/authorize?${query}`;
    },

    async complete(code: string, redirectUri: string): Promise<{ login: string; access: AccessDecision }> {
      const token = await exchange(code, redirectUri);
      const user = await get(token, "/user", userAnswer);
      if (!user) throw new SignInError("GET /user refused the new token", "GitHub refused the sign-in.");
      const installedOrgs = (await options.installations.list()).map((i) => i.org);
      const memberships = await mapLimit(installedOrgs, 8, async (org): Promise<Membership | undefined> => {
        const m = await get(token, `/user/memberships/orgs/${encodeURIComponent(org)}`, membershipAnswer);
        return m && { org, state: m.state, role: m.role ?? "" };
      });
      const team = options.team ? await teamMembership(token, options.team, user.login) : undefined;
      const access = decideAccess({
        login: user.login,
        installedOrgs,
        memberships: memberships.filter((m) => m !== undefined),
        team,
      });
      return { login: user.login, access };
    },
  };

  async function teamMembership(token: string, team: string, login: string) {
    const [org = "", slug = ""] = team.split("/");
    const path = `/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/memberships/${encodeURIComponent(login)}`;
    const m = await get(token, path, membershipAnswer);
    return { name: team, state: m?.state };
  }
}

export type GitHubSignIn = ReturnType<typeof createGitHubSignIn>;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
