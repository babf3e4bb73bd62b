import type { Pool } from "../../../src/pool-file.js";

/** A valid pool with the schema's defaults; tests override only what they are about. */
export function makePool(overrides: Partial<Pool> = {}): Pool {
  return {
    name: "linux",
    labels: ["linux", "x64"],
    instanceTypes: ["m7i.large"],
    market: "on-demand",
    image: "ami-0123456789abcdef0",
    subnets: ["subnet-0000000a"],
    securityGroups: ["sg-0000000a"],
    publicIp: false,
    volume: { deviceName: "/dev/xvda", sizeGiB: 30, type: "gp3" },
    maxRunners: 10,
    runnerGroup: "Default",
    timeouts: { boot: 300, idle: 600, job: 6 * 3600 },
    ...overrides,
  };
}
