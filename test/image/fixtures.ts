import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bash, shellQuote } from "./chroot.js";

/**
 * Stand-ins for the two downloads (github.com is out of reach here): a runner tarball whose run.sh is
 * the hostile job (it attacks IMDS and the firewall as the job's user and writes down what happened),
 * and a buildx binary. Both go through install.sh's SHA-256 check like the real ones.
 */
export const RUNNER_VERSION = "2.338.0";
export const BUILDX_VERSION = "0.19.3";

const RUN_SH = `#!/bin/bash
# The "job": runs as the job's user, with the JIT config as its argument, and tries to reach IMDS.
out="$(dirname "$0")/_work/attack"
mkdir -p "$(dirname "$out")"
{
  echo "argv=$*"
  echo "uid=$(id -u) groups=$(id -nG)"
  rc=0; curl -sS -m 3 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token >/dev/null 2>&1 || rc=$?
  echo "imds4=$rc"
  rc=0; curl -sS -m 3 -g -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' 'http://[fd00:ec2::254]/latest/api/token' >/dev/null 2>&1 || rc=$?
  echo "imds6=$rc"
  rc=0; nft flush ruleset >/dev/null 2>&1 || rc=$?
  echo "flush=$rc"
} > "$out"
`;
const CONFIG_SH = `#!/bin/bash
# config.sh --version, as install.sh calls it: the real one checks native libraries first.
[[ "$1" == --version ]] && [[ "$(id -un)" == runner ]] && echo ${RUNNER_VERSION}
`;
const BUILDX = `#!/bin/sh\necho "github.com/docker/buildx v${BUILDX_VERSION} fixture"\n`;

export interface Downloads {
  dir: string;
  runnerArchive: string;
  runnerSha256: string;
  buildx: string;
  buildxSha256: string;
}

const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

export async function downloads(): Promise<Downloads> {
  const dir = await mkdtemp(join(tmpdir(), "mayfly-image-downloads-"));
  const tree = join(dir, "runner");
  await mkdir(tree);
  await writeFile(join(tree, "run.sh"), RUN_SH);
  await writeFile(join(tree, "config.sh"), CONFIG_SH);
  await Promise.all(["run.sh", "config.sh"].map((f) => chmod(join(tree, f), 0o755)));
  const runnerArchive = join(dir, `actions-runner-linux-x64-${RUNNER_VERSION}.tar.gz`);
  const tarred = await bash(`tar -czf ${shellQuote(runnerArchive)} -C ${shellQuote(tree)} .`);
  if (tarred.code !== 0) throw new Error(tarred.out);
  const buildx = join(dir, "docker-buildx");
  await writeFile(buildx, BUILDX);
  return {
    dir,
    runnerArchive,
    runnerSha256: await sha256(runnerArchive),
    buildx,
    buildxSha256: await sha256(buildx),
  };
}

/**
 * IMDSv2 on 169.254.169.254:80 (and [fd00:ec2::254]:80) and the app's POST /bootstrap on 127.0.0.1:8080,
 * run by node inside the test's network namespace. Every request is logged to `log` as one line.
 */
export function servers(userData: string, log: string): string {
  return `
const http = require("node:http");
const fs = require("node:fs");
const note = (line) => fs.appendFileSync(${JSON.stringify(log)}, line + "\\n");
const imds = (req, res) => {
  note("imds " + req.method + " " + req.url);
  if (req.method === "PUT" && req.url === "/latest/api/token") return res.end("session-token");
  if (req.headers["x-aws-ec2-metadata-token"] !== "session-token") { res.statusCode = 401; return res.end(); }
  if (req.url === "/latest/user-data") return res.end(${JSON.stringify(userData)});
  if (req.url === "/latest/dynamic/instance-identity/document") return res.end('{"instanceId":"i-0123456789abcdef0"}');
  if (req.url === "/latest/dynamic/instance-identity/signature") return res.end("c2lnbmF0dXJl");
  res.statusCode = 404; res.end();
};
http.createServer(imds).listen(80, "169.254.169.254");
http.createServer(imds).listen(80, "fd00:ec2::254");
http.createServer((req, res) => {
  note("app " + req.method + " " + req.url);
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ runnerName: "mayfly-i-0123456789abcdef0", encodedJitConfig: "Zml4dHVyZQ==" }));
}).listen(8080, "127.0.0.1", () => note("ready"));
`;
}
