import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "../../../bench/harness/bench-options.js";

describe("parseBenchOptions", () => {
  it("defaults to every scenario, 3 runs, 1,000 jobs and the issue's latencies", () => {
    expect(parseBenchOptions([])).toEqual({
      only: [],
      runs: 3,
      burstJobs: 1000,
      appIdentities: 1,
      replicas: 1,
      cpuProf: false,
      latency: { githubMs: 80, runInstancesMs: 400, ec2Ms: 50, sqsMs: 10 },
      outDir: ".bench",
      updateDocs: false,
      help: false,
    });
  });

  it("takes every flag", () => {
    const options = parseBenchOptions([
      "--only=drift, steady",
      "--runs=5",
      "--burst-jobs=100",
      "--app-identities=2",
      "--replicas=3",
      "--cpu-prof",
      "--github-latency=0",
      "--run-instances-latency=1000",
      "--ec2-latency=20",
      "--sqs-latency=5",
      "--out=/tmp/bench",
      "--update-docs",
    ]);
    expect(options).toMatchObject({
      only: ["drift", "steady"],
      runs: 5,
      burstJobs: 100,
      appIdentities: 2,
      replicas: 3,
      cpuProf: true,
      latency: { githubMs: 0, runInstancesMs: 1000, ec2Ms: 20, sqsMs: 5 },
      outDir: "/tmp/bench",
      updateDocs: true,
    });
  });

  it.each([
    { argv: ["--runs=0"], message: /--runs must be a whole number from 1 to 20, got "0"/ },
    { argv: ["--burst-jobs=1.5"], message: /--burst-jobs/ },
    { argv: ["--github-latency=-1"], message: /--github-latency/ },
    { argv: ["--sqs-latency=ten"], message: /--sqs-latency/ },
    { argv: ["--app-identities=5"], message: /--app-identities must be a whole number from 1 to 4/ },
    { argv: ["--replicas=0"], message: /--replicas must be a whole number from 1 to 3/ },
  ])("refuses $argv", ({ argv, message }) => {
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });

  it("refuses unknown flags", () => {
    expect(() => parseBenchOptions(["--fast"])).toThrow(/Unknown option '--fast'/);
  });
});
