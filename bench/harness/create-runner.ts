import type { Sandbox } from "../../sandbox/sandbox.js";

/**
 * Creates a JIT runner named `name` in the org's Default runner group (id 1) through the REST API, with an
 * installation token from installationToken(), as if an instance had enrolled; returns the runner id.
 * https://docs.github.com/en/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-organization
 */
export async function createRunner(
  sandbox: Sandbox,
  token: string,
  name: string,
  labels: readonly string[] = ["self-hosted", "linux", "x64", "mayfly-small"],
): Promise<number> {
  const res = await fetch(`${sandbox.github.url}/orgs/${sandbox.org}/actions/runners/generate-jitconfig`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name, runner_group_id: 1, labels }),
  });
  if (res.status !== 201)
    throw new Error(`generate-jitconfig for ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { runner: { id: number } }).runner.id;
}
