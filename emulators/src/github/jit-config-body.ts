import { invalidRequest } from "./api-error.js";

/**
 * The body of `generate-jitconfig`: `name`, `runner_group_id`, `labels` (1–100 strings) required,
 * `work_folder` optional. Errors use the wording of GitHub's JSON-schema validator
 * ("Invalid request.\n\n\"name\" wasn't supplied.").
 */
export interface JitConfigBody {
  name: string;
  runner_group_id: number;
  labels: string[];
  work_folder: string;
}

export function validateJitConfigBody(body: Record<string, unknown>): JitConfigBody {
  const { name, runner_group_id: groupId, labels, work_folder: workFolder } = body;
  const missing = ["name", "runner_group_id", "labels"].filter((k) => body[k] === undefined);
  if (missing.length > 0) {
    throw invalidRequest(missing.map((k) => `"${k}" wasn't supplied.`).join("\n"));
  }
  if (typeof name !== "string" || name.length === 0) {
    throw invalidRequest(`For 'properties/name', ${JSON.stringify(name)} is not a non-empty string.`);
  }
  if (typeof groupId !== "number" || !Number.isInteger(groupId)) {
    throw invalidRequest(`For 'properties/runner_group_id', ${JSON.stringify(groupId)} is not an integer.`);
  }
  if (!Array.isArray(labels)) {
    throw invalidRequest(`For 'properties/labels', ${JSON.stringify(labels)} is not an array.`);
  }
  if (labels.length < 1) {
    throw invalidRequest(
      `For 'properties/labels', ${JSON.stringify(labels)} has fewer items than the minimum of 1.`,
    );
  }
  if (labels.length > 100) {
    throw invalidRequest(`For 'properties/labels', the array has more items than the maximum of 100.`);
  }
  const bad = labels.find((l) => typeof l !== "string" || l.length === 0);
  if (bad !== undefined)
    throw invalidRequest(`For 'items', ${JSON.stringify(bad)} is not a non-empty string.`);
  if (workFolder !== undefined && typeof workFolder !== "string") {
    throw invalidRequest(`For 'properties/work_folder', ${JSON.stringify(workFolder)} is not a string.`);
  }
  return { name, runner_group_id: groupId, labels: labels as string[], work_folder: workFolder ?? "_work" };
}
