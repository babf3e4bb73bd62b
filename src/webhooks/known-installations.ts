import type { Installation } from "../github/installations.js";
import { TokenBucket } from "../rate/token-bucket.js";

/** What intake needs from GitHub's installation list (src/github/installations.ts). */
export interface InstallationDirectory {
  list(): Promise<Installation[]>;
  get(installationId: number): Promise<Installation | undefined>;
}

/** known: the App has this installation on this org. unknown: it does not. unverifiable: not now (budget). */
export type InstallationCheck = "known" | "unknown" | "unverifiable";

/**
 * Which installation ids are the App's, for intake (issue 10, finding 8; ADR 0009). The list the reaper
 * already fetches (cached, App-JWT) answers most; an id missing from it may be an installation made since,
 * so it is asked about once (GET /app/installations/{id}) and the answer kept for `recheckMs`. Look-ups
 * draw from a token bucket, so a flood of made-up ids (it needs the webhook secret) costs GitHub at most
 * `burst` GETs and then `perMinute`; past that an id is unverifiable, not unknown, and not remembered.
 * Both caches are bounded (oldest dropped). A failed list refresh keeps the last good list.
 */
export function createKnownInstallations(deps: {
  directory: InstallationDirectory;
  lookups: { burst: number; perMinute: number };
  recheckMs?: number;
  maxRemembered?: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const recheckMs = deps.recheckMs ?? 10 * 60_000;
  const maxRemembered = deps.maxRemembered ?? 10_000;
  const bucket = new TokenBucket({
    capacity: deps.lookups.burst,
    refillPerSecond: deps.lookups.perMinute / 60,
    now,
  });
  /** Installation id → its org (undefined: GitHub said the App has no such installation) and when asked. */
  const asked = new Map<number, { org: string | undefined; at: number }>();
  const inFlight = new Map<number, Promise<string | undefined>>();
  let lastGood: Installation[] = [];
  let listing: Promise<Installation[]> | undefined;

  /** One list call at a time, however many deliveries arrive when the directory's cache expires. */
  function listed(): Promise<Installation[]> {
    listing ??= deps.directory
      .list()
      .then((list) => (lastGood = list))
      // GitHub unreachable: the last good list still names every installation that existed then.
      .catch(() => lastGood)
      .finally(() => {
        listing = undefined;
      });
    return listing;
  }

  function remember(id: number, org: string | undefined): void {
    asked.delete(id);
    asked.set(id, { org, at: now() });
    if (asked.size > maxRemembered) asked.delete(asked.keys().next().value as number);
  }

  async function orgOf(id: number): Promise<string | undefined | "unverifiable"> {
    const fromList = (await listed()).find((i) => i.installationId === id);
    if (fromList) return fromList.org;
    const remembered = asked.get(id);
    if (remembered && now() - remembered.at < recheckMs) return remembered.org;
    const pending = inFlight.get(id);
    if (pending) return pending;
    if (!bucket.tryTake()) return "unverifiable";
    const lookup = deps.directory
      .get(id)
      .then((found) => {
        remember(id, found?.org);
        return found?.org;
      })
      .finally(() => inFlight.delete(id));
    inFlight.set(id, lookup);
    return lookup;
  }

  return {
    /** Whether `installationId` is the App's installation on `org` (org logins compare case-insensitively). */
    async check(installationId: number, org: string): Promise<InstallationCheck> {
      const found = await orgOf(installationId).catch(() => "unverifiable" as const);
      if (found === "unverifiable") return found;
      return found !== undefined && found.toLowerCase() === org.toLowerCase() ? "known" : "unknown";
    },
  };
}
