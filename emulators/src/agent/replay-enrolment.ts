import { parseUserData } from "./user-data.js";

/**
 * The job as attacker (issue 10, finding 1): after its job, the job's own code keeps the instance up (it
 * stopped the power-off), reads the instance's user-data and identity document from IMDS as any process
 * on it could (unless the image's firewall keeps the job's user out: infra/runner), and presents them
 * to /bootstrap again, hoping for a second JIT config and another repository's next job. Returns what
 * it stole, so a test can replay it from off the instance too, and the answer it got.
 */
export async function replayEnrolment(
  imds: (path: string) => Promise<string>,
  http: typeof fetch,
): Promise<{ url: string; body: string; status: number; config?: string }> {
  const values = parseUserData(await imds("/latest/user-data"));
  const body = JSON.stringify({
    token: values.MAYFLY_BOOTSTRAP_TOKEN,
    identity: {
      document: await imds("/latest/dynamic/instance-identity/document"),
      signature: await imds("/latest/dynamic/instance-identity/signature"),
    },
  });
  const url = `${values.MAYFLY_URL}/bootstrap`;
  const res = await http(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const answer = res.ok ? ((await res.json()) as { encodedJitConfig?: string }) : undefined;
  if (!res.ok) await res.body?.cancel();
  return { url, body, status: res.status, config: answer?.encodedJitConfig };
}
