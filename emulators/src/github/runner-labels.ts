import type { RunnerLabel } from "./records.js";

/**
 * A self-hosted runner's labels: the read-only `self-hosted`, OS and architecture labels GitHub adds,
 * then the custom labels it was created with (a custom label equal to a read-only one, ignoring case,
 * is not repeated). The OS and architecture are read from the requested labels, Linux/X64 otherwise.
 * https://docs.github.com/actions/hosting-your-own-runners/managing-self-hosted-runners/using-labels-with-self-hosted-runners
 */
export function runnerLabels(
  requested: readonly string[],
  labelId: (name: string) => number,
): { labels: RunnerLabel[]; os: string } {
  const lower = new Set(requested.map((l) => l.toLowerCase()));
  const os = lower.has("windows") ? "Windows" : lower.has("macos") ? "macOS" : "Linux";
  const arch = lower.has("arm64") ? "ARM64" : lower.has("arm") ? "ARM" : "X64";
  const readOnly = ["self-hosted", os, arch];
  const seen = new Set(readOnly.map((l) => l.toLowerCase()));
  const labels: RunnerLabel[] = readOnly.map((name) => ({ id: labelId(name), name, type: "read-only" }));
  for (const name of requested) {
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    labels.push({ id: labelId(name), name, type: "custom" });
  }
  return { labels, os };
}
