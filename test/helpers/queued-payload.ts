/** A `workflow_job` `queued` payload in GitHub's shape, for a private repository acme/api. */
export function queuedPayload(options: {
  jobId: number;
  installationId: number;
  labels?: readonly string[];
  createdAt?: string;
}) {
  const createdAt = options.createdAt ?? "2026-01-01T00:00:00Z";
  return {
    action: "queued",
    workflow_job: {
      id: options.jobId,
      run_id: 99,
      run_attempt: 1,
      labels: [...(options.labels ?? ["self-hosted", "linux", "x64", "mayfly-small"])],
      status: "queued",
      conclusion: null,
      created_at: createdAt,
      started_at: createdAt,
      completed_at: null,
      name: "build",
      workflow_name: "ci",
      html_url: `https://github.com/acme/api/actions/runs/99/job/${options.jobId}`,
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      runner_group_name: null,
    },
    repository: {
      id: 1,
      full_name: "acme/api",
      private: true,
      visibility: "private",
      owner: { login: "acme" },
    },
    organization: { login: "acme" },
    installation: { id: options.installationId },
  };
}
