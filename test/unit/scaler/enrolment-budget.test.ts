import { describe, expect, it } from "vitest";
import { parsePoolFile } from "../../../src/pool-file.js";
import { EnrolmentBudget } from "../../../src/scaler/enrolment-budget.js";

const pools = (boots: string[]) =>
  parsePoolFile(
    `version: 1\npools:\n${boots
      .map(
        (boot, i) => `  - name: p${i}
    labels: [x${i}]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef0
    subnets: [subnet-0123456789abcdef0]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
    timeouts: { boot: ${boot} }
`,
      )
      .join("")}`,
    "p.yml",
  ).file!.pools;

describe("EnrolmentBudget", () => {
  it.each([
    // 800 points/min ÷ 5 = 160 JIT configs a minute; 90% of what fits in the shortest boot window.
    [800, ["5m"], 720],
    [800, ["30s"], 72],
    [800, ["10m", "2m"], 288],
    [900, ["5m"], 810],
    [5, ["30s"], 1],
  ])(
    "at %i points a minute and boot timeouts %j, a burst may launch %i at once",
    (points, boots, capacity) => {
      expect(
        new EnrolmentBudget({ writePointsPerMinute: points, pools: pools(boots), now: () => 0 }).capacity,
      ).toBe(capacity);
    },
  );

  it("then launches as fast as configs are issued, per installation", () => {
    let clock = 0;
    const budget = new EnrolmentBudget({
      writePointsPerMinute: 800,
      pools: pools(["30s"]),
      now: () => clock,
    });
    let launched = 0;
    while (budget.tryTake(1)) launched++;
    expect(launched).toBe(72);
    expect(budget.tryTake(2)).toBe(true);
    clock += 3_000;
    let more = 0;
    while (budget.tryTake(1)) more++;
    expect(more).toBe(8);
  });
});
