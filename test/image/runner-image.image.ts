import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderUserData } from "../../src/bootstrap/user-data.js";
import { assertHostTools, bash, copyRoot, debianRoot, inChroot, removeRoot, shellQuote } from "./chroot.js";
import { BUILDX_VERSION, type Downloads, downloads, RUNNER_VERSION, servers } from "./fixtures.js";

/**
 * The image's real build scripts (infra/runner/image/install.sh, harden.sh) run in Debian 12 root
 * filesystems, one per variant, and the result is checked: no SSH server, the services masked, the runner
 * user and its groups as designed, Docker only in standard. Then the installed bootstrap runs in a network
 * namespace against a stand-in IMDS on 169.254.169.254 and the runner's run.sh, as the job's user,
 * attacks IMDS and the firewall: the real kernel rule must refuse it.
 */
const RUNNER = fileURLToPath(new URL("../../infra/runner/", import.meta.url));
const FILES = [
  "bootstrap.sh",
  "mayfly-bootstrap.service",
  "image/cloud-init.cfg",
  "image/sysctl.conf",
  "image/docker-daemon.json",
];
const MIRROR = process.env.DEBIAN_MIRROR ?? "http://deb.debian.org/debian";

let base: string;
let fixtures: Downloads;
const roots: Record<string, string> = {};
const builds: Record<string, { install: string; harden: string; code: number | null }> = {};

async function build(variant: "minimal" | "standard") {
  const root = await copyRoot(base);
  roots[variant] = root;
  await bash(
    `mkdir -p ${shellQuote(root)}/tmp/mayfly ${shellQuote(root)}/tmp/fixture ${shellQuote(root)}/tmp/build &&
     cd ${shellQuote(RUNNER)} && cp ${FILES.join(" ")} ${shellQuote(root)}/tmp/mayfly/ &&
     cp image/install.sh image/harden.sh ${shellQuote(root)}/tmp/build/ &&
     cp ${shellQuote(fixtures.runnerArchive)} ${shellQuote(fixtures.buildx)} ${shellQuote(root)}/tmp/fixture/`,
  );
  const env = {
    VARIANT: variant,
    RUNNER_VERSION,
    RUNNER_ARCH: "x64",
    RUNNER_SHA256: fixtures.runnerSha256,
    RUNNER_ARCHIVE: `/tmp/fixture/actions-runner-linux-x64-${RUNNER_VERSION}.tar.gz`,
    BUILDX_VERSION,
    BUILDX_SHA256: fixtures.buildxSha256,
    BUILDX_BINARY: "/tmp/fixture/docker-buildx",
    BUILDER: "test",
  };
  const install = await inChroot(root, "/tmp/build/install.sh", { env });
  const harden =
    install.code === 0 ? await inChroot(root, "/tmp/build/harden.sh", { env }) : { code: null, out: "" };
  builds[variant] = {
    install: install.out,
    harden: harden.out,
    code: install.code === 0 ? harden.code : install.code,
  };
}

const run = (variant: string, script: string) => inChroot(roots[variant]!, script);

beforeAll(async () => {
  assertHostTools();
  fixtures = await downloads();
  base = await debianRoot(process.env.MAYFLY_IMAGE_TEST_BASE, MIRROR);
  await build("minimal");
  await build("standard");
});

afterAll(async () => {
  for (const root of [...Object.values(roots), base]) if (root) await removeRoot(root);
  if (fixtures) await rm(fixtures.dir, { recursive: true, force: true });
});

describe.each(["minimal", "standard"] as const)("the %s image", (variant) => {
  it("builds: install.sh and harden.sh succeed, and harden.sh's own checks pass", () => {
    const result = builds[variant]!;
    expect(result.code, `${result.install.slice(-2000)}\n${result.harden.slice(-2000)}`).toBe(0);
    expect(result.harden).toContain(`harden: done (${variant})`);
  });

  it("has no SSH server, no sudo rule, and the runner user is locked and no admin", async () => {
    const check = await run(
      variant,
      `! command -v sshd; ! dpkg-query -W openssh-server 2>/dev/null | grep -q .; { ls -A /etc/sudoers.d 2>/dev/null || true; } | wc -l
       getent shadow runner | cut -d: -f2; id -nG runner`,
    );
    expect(check.code, check.out).toBe(0);
    const [sudoRules, password, groups] = check.out.trim().split("\n").slice(-3);
    expect(sudoRules).toBe("0");
    expect(password?.startsWith("!")).toBe(true);
    expect(groups?.split(" ")).not.toContain("sudo");
  });

  it("puts the job's user in the docker group only in standard, with Docker and buildx installed there", async () => {
    const check = await run(
      variant,
      `id -nG runner; command -v dockerd || echo no-dockerd; /usr/local/lib/docker/cli-plugins/docker-buildx 2>/dev/null || echo no-buildx
       systemctl is-enabled docker.service 2>/dev/null || true; command -v gcc || echo no-gcc; cat /etc/mayfly-image`,
    );
    expect(check.code, check.out).toBe(0);
    const groups = check.out.split("\n")[0]!.split(" ");
    if (variant === "standard") {
      expect(groups).toContain("docker");
      expect(check.out).toMatch(/\/usr\/s?bin\/dockerd/);
      expect(check.out).toContain(`buildx v${BUILDX_VERSION}`);
      expect(check.out).toMatch(/^enabled$/m);
      expect(check.out).toMatch(/\/usr\/bin\/gcc/);
    } else {
      expect(groups).not.toContain("docker");
      expect(check.out).toContain("no-dockerd");
      expect(check.out).toContain("no-buildx");
      expect(check.out).toContain("no-gcc");
    }
    expect(check.out).toContain(`VARIANT=${variant}`);
  });

  it("masks remote access and automatic updates, enables the bootstrap unit, and installs the IMDS tool", async () => {
    const check = await run(
      variant,
      `for u in ssh.service sshd.service apt-daily.timer apt-daily-upgrade.timer unattended-upgrades.service dnf-makecache.timer; do
         echo "$u $(systemctl is-enabled "$u" 2>/dev/null || true)"; done
       echo "bootstrap $(systemctl is-enabled mayfly-bootstrap.service)"; command -v nft`,
    );
    expect(check.code, check.out).toBe(0);
    for (const unit of [
      "ssh.service",
      "sshd.service",
      "apt-daily.timer",
      "apt-daily-upgrade.timer",
      "unattended-upgrades.service",
    ])
      expect(check.out).toContain(`${unit} masked`);
    expect(check.out).toContain("bootstrap enabled");
    expect(check.out).toMatch(/\/usr\/sbin\/nft/);
    const installed = await readFile(join(roots[variant]!, "usr/local/sbin/mayfly-bootstrap"), "utf8");
    expect(installed).toBe(await readFile(join(RUNNER, "bootstrap.sh"), "utf8"));
  });
});

describe("the IMDS rule, attacked by the job", () => {
  /** Boots the standard image's bootstrap in its own network namespace; run.sh is the attacker. */
  async function boot(jobImds: "block" | "allow") {
    const root = roots.standard!;
    const userData = renderUserData({
      appUrl: "http://127.0.0.1:8080",
      token: "one-time-token",
      pool: "attack",
      maxLifetimeSeconds: 120,
      bootTimeoutSeconds: 60,
      jobImds,
    });
    const log = join(root, "tmp", "requests.log");
    await rm(log, { force: true });
    await rm(join(root, "opt/actions-runner/_work"), { recursive: true, force: true });
    await writeFile(join(root, "tmp", "servers.cjs"), servers(userData, log));
    await bash(
      `printf '#!/bin/sh\\necho poweroff-called\\n' > ${shellQuote(root)}/tmp/poweroff && chmod 755 ${shellQuote(root)}/tmp/poweroff`,
    );
    const net = `ip link set lo up; ip addr add 169.254.169.254/32 dev lo; ip -6 addr add fd00:ec2::254/128 dev lo nodad
      node ${shellQuote(join(root, "tmp", "servers.cjs"))} & servers=$!; trap 'kill $servers' EXIT
      for _ in $(seq 50); do grep -q ready ${shellQuote(log)} 2>/dev/null && break; sleep 0.1; done`;
    const result = await inChroot(root, "PATH=/tmp:$PATH /usr/local/sbin/mayfly-bootstrap", { net });
    const attack = await readFile(join(root, "opt/actions-runner/_work/attack"), "utf8").catch(() => "");
    const requests = await readFile(log, "utf8").catch(() => "");
    return { ...result, attack, requests };
  }

  it("refuses the job's user IMDS over IPv4 and IPv6 and the firewall itself, after the bootstrap read it", async () => {
    const boot1 = await boot("block");
    expect(boot1.out).toMatch(/IMDS closed to uid \d+/);
    expect(boot1.out).toContain("poweroff-called");
    expect(boot1.attack).toContain("argv=--jitconfig Zml4dHVyZQ==");
    expect(boot1.attack).toMatch(/groups=runner docker/);
    expect(boot1.attack).toMatch(/^imds4=7$/m); // curl 7: connection refused by the rule's reject
    expect(boot1.attack).toMatch(/^imds6=7$/m);
    expect(boot1.attack).not.toMatch(/^flush=0$/m);
    // The bootstrap read user-data and the identity before the rule; the job's attempts never arrived.
    const imds = boot1.requests.split("\n").filter((l) => l.startsWith("imds "));
    expect(imds).toEqual([
      "imds PUT /latest/api/token",
      "imds GET /latest/user-data",
      "imds GET /latest/dynamic/instance-identity/document",
      "imds GET /latest/dynamic/instance-identity/signature",
    ]);
    expect(boot1.requests).toContain("app POST /bootstrap");
  });

  it("leaves IMDS open to the job for a pool with jobImds: allow, and says so", async () => {
    const boot2 = await boot("allow");
    expect(boot2.out).toContain("lets its jobs reach IMDS (jobImds: allow)");
    expect(boot2.attack).toMatch(/^imds4=0$/m);
    expect(boot2.requests.split("\n").filter((l) => l === "imds PUT /latest/api/token")).toHaveLength(3);
  });
});
