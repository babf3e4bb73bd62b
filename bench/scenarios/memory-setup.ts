import type { Sandbox } from "../../sandbox/sandbox.js";
import type { WorkflowJobPayload } from "../harness/capture-payload.js";
import { createRunner } from "../harness/create-runner.js";
import { installationToken } from "../harness/installation-token.js";
import { jobEvent, sign } from "../harness/job-deliveries.js";
import { plantInstances } from "../harness/plant-instances.js";
import { checkAborted } from "../harness/wait-until.js";

const CONCURRENCY = 32;

/** `count` instances tagged as Mayfly's (as if Mayfly had launched them), 1,000 per RunInstances call. */
export async function plantInstancesInChunks(sandbox: Sandbox, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count)
    ids.push(...(await plantInstances(sandbox, Math.min(1_000, count - ids.length))));
  return ids;
}

/** A JIT runner per name (`mayfly-<instance id>`), as if each instance had enrolled. */
export async function createRunners(
  sandbox: Sandbox,
  names: readonly string[],
  signal: AbortSignal,
): Promise<void> {
  const token = await installationToken(sandbox);
  await inParallel(signal, names, (name) => createRunner(sandbox, token, name));
}

/** One signed `in_progress` delivery per runner (made-up job ids), so the app records runner → job for each. */
export async function postInProgress(
  url: string,
  template: WorkflowJobPayload,
  secret: string,
  runnerNames: readonly string[],
  signal: AbortSignal,
): Promise<void> {
  await inParallel(signal, runnerNames, async (name, i) => {
    const { body, headers } = sign(jobEvent(template, "in_progress", 9_000_000 + i, name), secret);
    const res = await fetch(url, { method: "POST", headers, body });
    if (!res.ok)
      throw new Error(`in_progress webhook for ${name} answered ${res.status}: ${await res.text()}`);
    await res.body?.cancel();
  });
}

/** CONCURRENCY workers over `items`; they stop taking items once the run is aborted. */
async function inParallel<T>(
  signal: AbortSignal,
  items: readonly T[],
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      checkAborted(signal);
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}
