/**
 * The CPU architecture an EC2 instance type runs, from its family's name: Graviton families carry a
 * `g` after the generation digit (m7g, c7gn, t4g, r8g, x2gd, im4gn, is4gen, g5g), and `a1` is the first
 * Graviton; every other family Mayfly can launch is x86_64.
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */
export type Architecture = "x86_64" | "arm64";

export function instanceArchitecture(instanceType: string): Architecture {
  const family = instanceType.split(".")[0]?.replace(/-flex$/, "") ?? "";
  return family === "a1" || /^[a-z]+\d+[a-z]*g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/** The one architecture a pool's instance types share, or every one they mix. */
export function poolArchitectures(instanceTypes: readonly string[]): Architecture[] {
  return [...new Set(instanceTypes.map(instanceArchitecture))].sort();
}
