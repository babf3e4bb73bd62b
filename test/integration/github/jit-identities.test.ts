import { pino } from "pino";
import { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { type GitHubEmulator, startGitHubEmulator } from "../../../emulators/src/github/emulator.js";
import { type AppIdentity, defaultIdentity, extraIdentity } from "../../../src/github/app-identity.js";
import { createMayflyOctokit } from "../../../src/github/octokit.js";
import { RegistrationBudget } from "../../../src/github/registration-budget.js";
import { registrationShare } from "../../../src/github/replica-share.js";
import { createGitHubRunners } from "../../../src/github/runners.js";

/**
 * JIT configs spread over two App identities, through real Probot/Octokit against the GitHub emulator:
 * each identity mints its own installation token and spends its own secondary-limit budget, and all of
 * them together stay under the org's registration limit.
 */

let gh: GitHubEmulator | undefined;
afterEach(() => gh?.stop());

const silent = pino({ level: "silent" });

async function setup(options: {
  identities: number;
  secondaryPointsPerMinute: number;
  writePointsPerMinute: number;
  registrationsPer5Minutes?: number;
  installEvery?: boolean;
}) {
  gh = await startGitHubEmulator({
    rateLimits: {
      secondaryPointsPerMinute: options.secondaryPointsPerMinute,
      registrationsPer5Minutes: options.registrationsPer5Minutes ?? 1500,
    },
  });
  const emulator = gh;
  emulator.addOrg("acme");
  const registrations = new RegistrationBudget(
    registrationShare(options.registrationsPer5Minutes ?? 1500, 1),
  );
  const identities: AppIdentity[] = [];
  let defaultInstallation = 0;
  for (let i = 0; i < options.identities; i++) {
    const app = emulator.registerApp({ webhookSecret: "s3cret" });
    const installed = i === 0 || options.installEvery !== false;
    const installationId = installed ? emulator.installApp(app.id, "acme").installationId : 0;
    const probot = new Probot({
      appId: app.id,
      privateKey: app.privateKeyPem,
      baseUrl: emulator.url,
      log: silent,
      Octokit: createMayflyOctokit({ writePointsPerMinute: options.writePointsPerMinute, registrations }),
    });
    const auth = (id: number) => probot.auth(id) as never;
    if (i === 0) {
      defaultInstallation = installationId;
      identities.push(defaultIdentity(app.id, auth));
    } else {
      identities.push(extraIdentity({ appId: app.id, appOctokit: () => probot.auth() as never, auth }));
    }
  }
  const runners = createGitHubRunners({
    auth: (id) => (identities[0] as AppIdentity).installation({ installationId: id, org: "acme" }) as never,
    jitIdentities: identities,
  });
  const ref = { installationId: defaultInstallation, org: "acme" };
  let named = 0;
  const issue = (count: number, signal?: AbortSignal) =>
    Promise.all(
      Array.from({ length: count }, () =>
        runners.createJitConfig(
          ref,
          { name: `mayfly-i-${named++}`, labels: ["self-hosted"], runnerGroupId: 1 },
          { signal },
        ),
      ),
    );
  return { emulator, issue };
}

describe("JIT configs over several App identities", () => {
  it("issues twice one identity's burst with two identities, each on its own token and budget", async () => {
    // The emulator allows 50 points a minute per App (10 writes); each client bursts 10 writes.
    const { emulator, issue } = await setup({
      identities: 2,
      secondaryPointsPerMinute: 50,
      writePointsPerMinute: 45,
    });
    const configs = await issue(20);
    expect(new Set(configs.map((c) => c.runnerId)).size).toBe(20);
    const stats = emulator.stats();
    expect(stats.secondaryLimited).toBe(0);
    expect(stats.calls["POST /app/installations/{installation_id}/access_tokens"]).toBe(2);
    expect(stats.calls["GET /orgs/{org}/installation"]).toBe(1);
    expect(emulator.runners("acme")).toHaveLength(20);
  });

  it("holds every identity to the org's registration limit", async () => {
    // 10 per 5 minutes: the client sends 1 at once, then one every 33 s, whatever the identities.
    const { emulator, issue } = await setup({
      identities: 2,
      secondaryPointsPerMinute: 900,
      writePointsPerMinute: 875,
      registrationsPer5Minutes: 10,
    });
    const first = issue(1);
    const giveUp = new AbortController();
    const third = issue(1, giveUp.signal).then(
      () => "sent",
      () => "gave up",
    );
    await first;
    const early = await Promise.race([third, new Promise((r) => setTimeout(() => r("waiting"), 1_000))]);
    expect(early).toBe("waiting");
    giveUp.abort(new Error("the instance hung up"));
    expect(await third).toBe("gave up");
    expect(emulator.stats().registrationLimited).toBe(0);
    expect(emulator.runners("acme")).toHaveLength(1);
  });

  it("leaves out an identity that is not installed on the org", async () => {
    const { emulator, issue } = await setup({
      identities: 2,
      secondaryPointsPerMinute: 900,
      writePointsPerMinute: 875,
      installEvery: false,
    });
    await issue(4);
    expect(emulator.runners("acme")).toHaveLength(4);
    expect(emulator.stats().calls["POST /app/installations/{installation_id}/access_tokens"]).toBe(1);
  });
});
