/**
 * The sandbox's pool file: three pools for the org `acme`, shaped like a real deployment's, with the
 * shortest timeouts the schema allows so scenarios finish quickly.
 */
export const SANDBOX_POOLS_YAML = `version: 1
pools:
  - name: small
    labels: [self-hosted, linux, x64, mayfly-small]
    instanceTypes: [t3.medium, t3a.medium]
    market: spot-then-on-demand
    image: { ssmParameter: /mayfly/images/runner-linux-x64 }
    subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
    securityGroups: [sg-0a1b2c3d4e5f60001]
    maxRunners: 50
    timeouts: { boot: 30s, idle: 30s, job: 10m }
    allow:
      orgs: [acme]
      repositories: ["acme/*"]
  - name: large
    labels: [self-hosted, linux, x64, mayfly-large]
    instanceTypes: [m7i.2xlarge, m6i.2xlarge]
    market: on-demand
    image: ami-0123456789abcdef0
    subnets: [subnet-0a1b2c3d4e5f60001]
    securityGroups: [sg-0a1b2c3d4e5f60001]
    maxRunners: 20
    timeouts: { boot: 30s, idle: 30s, job: 10m }
    allow:
      orgs: [acme]
      repositories: ["acme/api", "acme/web"]
  - name: oss
    labels: [self-hosted, linux, arm64, mayfly-oss]
    instanceTypes: [c7g.large]
    market: spot
    image: ami-0123456789abcdef1
    subnets: [subnet-0a1b2c3d4e5f60003]
    securityGroups: [sg-0a1b2c3d4e5f60002]
    maxRunners: 10
    runnerGroup: public-oss
    timeouts: { boot: 30s, idle: 30s, job: 10m }
    allow:
      orgs: [acme]
      repositories: ["acme/sdk"]
      visibilities: [public]
prices:
  t3.medium: { onDemand: 0.0416, spot: 0.0125 }
  t3a.medium: { onDemand: 0.0376, spot: 0.0113 }
  m7i.2xlarge: { onDemand: 0.4032, spot: 0.1612 }
  m6i.2xlarge: { onDemand: 0.384, spot: 0.1536 }
  c7g.large: { onDemand: 0.0725, spot: 0.029 }
`;

/** The sandbox org's repositories. */
export const SANDBOX_REPOS = [
  { name: "api", visibility: "private" },
  { name: "web", visibility: "private" },
  { name: "infra", visibility: "internal" },
  { name: "sdk", visibility: "public" },
  { name: "docs", visibility: "public" },
] as const;
