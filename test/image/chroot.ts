import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Shell helpers for the image tests: a Debian root from debootstrap, commands run chrooted in it. */

export interface Run {
  code: number | null;
  out: string;
}

/** Runs a bash script on the host; output (stdout and stderr) is collected, never inherited. */
export function bash(script: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    // --norc, and flags inside the script: with stdio on sockets (node's pipes) bash takes itself for a
    // remote shell and reads the bashrc files first, which may print or fail under -u.
    const child = spawn("bash", ["--norc", "--noprofile", "-c", `set -euo pipefail\n${script}`], {
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C", ...env },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (out += c));
    child.on("close", (code) => resolve({ code, out }));
  });
}

/**
 * Runs `script` as root chrooted in `root`, in a private mount namespace (the /proc it mounts vanishes
 * with the namespace, so removing the root later never meets a live mount) and, with `net`, in a new
 * network namespace too: what nft loads there never touches the host's firewall.
 */
export function inChroot(
  root: string,
  script: string,
  options: { net?: string; env?: Record<string, string> } = {},
) {
  const env = Object.entries(options.env ?? {})
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(" ");
  const chrooted = `chroot ${shellQuote(root)} /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C ${env} /bin/bash --norc --noprofile -c ${shellQuote(`set -euo pipefail\n${script}`)}`;
  const inside = `mount --make-rprivate / && mount -t proc proc ${shellQuote(join(root, "proc"))} && ${options.net ?? ""}\n${chrooted}`;
  return bash(
    `exec unshare --mount ${options.net !== undefined ? "--net" : ""} --fork bash --norc --noprofile -c ${shellQuote(`set -euo pipefail\n${inside}`)}`,
  );
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** What the test needs on the host; a clear error names what is missing. */
export function assertHostTools(): void {
  if (process.getuid?.() !== 0) throw new Error("npm run test:image must run as root (chroot, unshare, nft)");
  const missing = ["debootstrap", "chroot", "unshare", "nft", "ip", "sha256sum", "tar"].filter(
    (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0,
  );
  if (missing.length > 0)
    throw new Error(
      `npm run test:image needs ${missing.join(", ")} (Debian: apt-get install -y debootstrap nftables iproute2)`,
    );
}

/**
 * A Debian 12 root with what the AMI's base already has (systemd, the login tools), and a policy-rc.d
 * so that package scripts start no daemon in the chroot. MAYFLY_IMAGE_TEST_BASE names a debootstrapped
 * directory to copy instead of bootstrapping afresh (faster reruns); DEBIAN_MIRROR picks the mirror.
 */
export async function debianRoot(base: string | undefined, mirror: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "mayfly-image-root-"));
  const made = base
    ? await bash(`cp -a ${shellQuote(base)}/. ${shellQuote(root)}/`)
    : await bash(`debootstrap --variant=minbase bookworm ${shellQuote(root)} ${shellQuote(mirror)}`);
  if (made.code !== 0) throw new Error(`could not make a Debian root:\n${made.out.slice(-3000)}`);
  await bash(
    `printf '#!/bin/sh\\nexit 101\\n' > ${shellQuote(root)}/usr/sbin/policy-rc.d && chmod 755 ${shellQuote(root)}/usr/sbin/policy-rc.d`,
  );
  const prepared = await inChroot(
    root,
    "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends systemd systemd-sysv iproute2 >/dev/null",
  );
  if (prepared.code !== 0)
    throw new Error(`could not prepare the Debian root:\n${prepared.out.slice(-3000)}`);
  return root;
}

export async function copyRoot(root: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "mayfly-image-root-"));
  const copied = await bash(`cp -a ${shellQuote(root)}/. ${shellQuote(copy)}/`);
  if (copied.code !== 0) throw new Error(`could not copy ${root}:\n${copied.out}`);
  return copy;
}

export async function removeRoot(root: string): Promise<void> {
  // The mounts were private to their namespaces; check anyway before deleting anything.
  const mounted = await bash(`grep -F ${shellQuote(` ${root}`)} /proc/mounts || true`);
  if (mounted.out.trim() !== "") throw new Error(`refusing to remove ${root}: still mounted\n${mounted.out}`);
  await rm(root, { recursive: true, force: true });
}
