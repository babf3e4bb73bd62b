import type { Sandbox } from "../../sandbox/sandbox.js";
import { parseUserData } from "../../src/bootstrap/user-data.js";
import { type BenchApp, startBenchApp, stopAll } from "../harness/bench-app.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import { waitUntil } from "../harness/wait-until.js";

/**
 * Repro (not part of `npm run bench`): `npx tsx bench/repro/bootstrap-retry-refused.ts`.
 * An instance whose bootstrap request times out on its side while the app is still creating the JIT
 * runner (slow GitHub here; in a burst, the app's wait for its write budget) retries with the same token.
 * infra/runner/bootstrap.sh caps each attempt at 30 s (`--max-time`) and gives up on a 403. Before commit
 * 285c24c the retry met GitHub's 409 on the runner name and was refused as a replay, so the instance
 * powered off; now the retry must get a config. GitHub answers in 3 s here, the first attempt waits 2 s.
 * Exits 1 if the retry is refused.
 */
const GITHUB_LATENCY_MS = 3_000;
/** The first attempt gives up before GitHub answers; the retry waits as long as it takes. */
const ATTEMPT_TIMEOUTS_MS = [2_000, 20_000];

let refused = false;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  let sandbox: Sandbox | undefined;
  let app: BenchApp | undefined;
  try {
    sandbox = await startBenchSandbox(
      { githubMs: 0, runInstancesMs: 0, ec2Ms: 0, sqsMs: 0 },
      { bootDelayMs: 100, agentBehaviour: () => "never-bootstrap" },
    );
    app = await startBenchApp(sandbox, {}, ".bench/logs/repro-bootstrap-app.log");
    sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "mayfly-small"],
      durationMs: 1_000,
    });
    const box = sandbox;
    const instance = await waitUntil(
      "a launched instance",
      () => box.ec2.instances().find((i) => i.state === "running"),
      {
        timeoutMs: 20_000,
      },
    );
    const body = await bootstrapBody(sandbox.ec2.imdsUrl(instance.instanceId));
    sandbox.github.setLatency(GITHUB_LATENCY_MS);
    const url = `${parseUserData(body.userData).MAYFLY_URL}/bootstrap`;
    for (const [index, timeoutMs] of ATTEMPT_TIMEOUTS_MS.entries()) {
      const started = Date.now();
      const answer = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body.request,
        signal: AbortSignal.timeout(timeoutMs),
      }).then(
        (res) => `HTTP ${res.status}`,
        (error: Error) => `client gave up (${error.name})`,
      );
      console.log(`attempt ${index + 1}: ${answer} after ${Date.now() - started} ms`);
      // bootstrap.sh pauses before a retry; by then the first request's runner exists.
      if (index === 0) await new Promise((resolve) => setTimeout(resolve, GITHUB_LATENCY_MS));
    }
    const runners = sandbox.github.runners("acme").map((r) => `${r.name} (${r.status})`);
    const events = app.events.list({ kinds: ["bootstrap.refused", "bootstrap.issued"] });
    console.log("runners on GitHub:", runners);
    console.log(
      "app events:",
      events.map((e) => `${e.kind}${e.reason ? `:${e.reason}` : ""}`),
    );
    refused = events.some((e) => e.kind === "bootstrap.refused");
    console.log(
      refused ? "BUG: the retry was refused; the instance gets no runner" : "OK: the retry got a config",
    );
  } finally {
    await stopAll(app, sandbox);
  }
}

/** What the instance's bootstrap script sends: the user-data token and the IMDSv2 identity document. */
async function bootstrapBody(imds: string): Promise<{ userData: string; request: string }> {
  const token = await (
    await fetch(`${imds}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
    })
  ).text();
  const get = async (path: string) =>
    (await fetch(`${imds}${path}`, { headers: { "x-aws-ec2-metadata-token": token } })).text();
  const userData = await get("/latest/user-data");
  const document = await get("/latest/dynamic/instance-identity/document");
  const signature = await get("/latest/dynamic/instance-identity/signature");
  const values = parseUserData(userData);
  return {
    userData,
    request: JSON.stringify({ token: values.MAYFLY_BOOTSTRAP_TOKEN, identity: { document, signature } }),
  };
}

main().then(
  () => process.exit(refused ? 1 : 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
