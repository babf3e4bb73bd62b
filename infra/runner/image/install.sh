#!/usr/bin/env bash
# Image build step, run as root on the build instance (Packer's runner.pkr.hcl or the stack's EC2 Image
# Builder pipeline, infra/lib/image-pipeline.ts): installs what the runner needs, the pinned runner
# release (checksum-verified), the `runner` user and the bootstrap unit; for VARIANT=standard also Docker
# engine, buildx and the common build tools. The files it installs are in $MAYFLY_FILES (uploaded there by
# the builder). Runs on Amazon Linux 2023 (the AMI) and on Debian (test/image/ builds a Debian root with it).
# What each variant holds, and why: docs/runner-image.md.
set -euo pipefail
: "${RUNNER_VERSION:?}" "${RUNNER_ARCH:?}" "${RUNNER_SHA256:?}"
readonly VARIANT="${VARIANT:-minimal}"
readonly FILES="${MAYFLY_FILES:-/tmp/mayfly}"
readonly RUNNER_DIR=/opt/actions-runner
# Offline or test builds: a local copy of a download; the pinned SHA-256 is checked all the same.
readonly RUNNER_ARCHIVE="${RUNNER_ARCHIVE:-}" BUILDX_BINARY="${BUILDX_BINARY:-}"
[[ "$VARIANT" == minimal || "$VARIANT" == standard ]] || {
  echo "install: VARIANT must be minimal or standard, got '$VARIANT'" >&2
  exit 1
}
# buildx is pinned like the runner when BUILDX_SHA256 is given; without it (empty or "none") the standard
# image has no buildx, and docker/setup-buildx-action installs it in the job.
readonly BUILDX_VERSION="${BUILDX_VERSION:-}" BUILDX_SHA256="${BUILDX_SHA256:-none}"

# Downloads $1 to $3 (or copies the local file $4) and checks its SHA-256 against $2 before any use.
fetch_verified() {
  local url="$1" sha256="$2" dest="$3" local_copy="${4:-}"
  if [[ -n "$local_copy" ]]; then
    cp -- "$local_copy" "$dest"
  else
    curl -fsSL --proto '=https' --proto-redir '=https' --tlsv1.2 --retry 3 -o "$dest" "$url"
  fi
  echo "${sha256}  $dest" | sha256sum --check --strict -
}

# Packages, by distribution. Security updates are baked in at build time; instances never update
# themselves (cloud-init.cfg, the masked timers below). AL2023 locks its repositories to the AMI's release;
# --releasever=latest takes the newest fixes (docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades.html).
# Every variant: bash, curl, jq, setpriv and nft for bootstrap.sh; ldd for config.sh; tar and gzip to
# unpack; git for actions/checkout; the .NET runtime's native libraries
# (github.com/actions/runner/blob/main/docs/start/envlinux.md). AL2023 names some by path where two
# packages provide one command (curl-minimal is HTTP(S)-only and already there).
if command -v dnf >/dev/null; then
  dnf -y upgrade --releasever=latest --refresh
  packages=(bash /usr/bin/curl jq /usr/bin/setpriv /usr/bin/ldd tar gzip ca-certificates nftables
    lttng-ust openssl-libs krb5-libs zlib libicu)
  if [[ "$VARIANT" == standard ]]; then
    packages+=(git docker gcc gcc-c++ make unzip zip xz bzip2 python3 python3-pip findutils which
      diffutils patch wget)
  else
    packages+=(git-core) # git without perl
  fi
  dnf -y install --setopt=install_weak_deps=False "${packages[@]}"
elif command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get -y -q upgrade
  packages=(bash curl jq util-linux libc-bin tar gzip ca-certificates nftables git
    libicu72 libkrb5-3 libssl3 zlib1g)
  if [[ "$VARIANT" == standard ]]; then
    packages+=(docker.io build-essential unzip zip xz-utils bzip2 python3 python3-pip wget patch)
  fi
  apt-get -y -q install --no-install-recommends "${packages[@]}"
  apt-get clean
else
  echo "install: neither dnf (Amazon Linux 2023) nor apt-get (Debian) found" >&2
  exit 1
fi

# The job user: no password, no sudo rule, not in wheel.
useradd --create-home --home-dir /home/runner --shell /bin/bash --user-group runner
usermod --lock runner

archive="actions-runner-linux-${RUNNER_ARCH}-${RUNNER_VERSION}.tar.gz"
fetch_verified "https://github.com/actions/runner/releases/download/v${RUNNER_VERSION}/${archive}" \
  "$RUNNER_SHA256" "/tmp/$archive" "$RUNNER_ARCHIVE"
install -d -m 0755 -o runner -g runner "$RUNNER_DIR"
tar -xzf "/tmp/$archive" -C "$RUNNER_DIR" --no-same-owner
rm -f "/tmp/$archive"
# The runner writes its settings, _diag and _work here (and updates itself in place if GitHub orders it),
# so the job user owns it. The instance runs one job and is destroyed, so nothing outlives that job.
chown -R runner:runner "$RUNNER_DIR"
# Environment the runner passes to every job (https://docs.github.com/en/actions/hosting-your-own-runners).
printf 'LANG=C.UTF-8\n' >"$RUNNER_DIR/.env"
chown runner:runner "$RUNNER_DIR/.env"
# Fails the build if a native library is missing: config.sh checks with ldd before printing the version.
(cd "$RUNNER_DIR" && setpriv --reuid=runner --regid=runner --init-groups --reset-env -- ./config.sh --version)
rm -rf "$RUNNER_DIR/_diag"

if [[ "$VARIANT" == standard ]]; then
  # buildx is not packaged for AL2023 (nor for Debian 12), so it is pinned like the runner. The docker
  # CLI looks for plugins in /usr/local/lib/docker/cli-plugins.
  if [[ -n "$BUILDX_VERSION" && "$BUILDX_SHA256" != none && -n "$BUILDX_SHA256" ]]; then
    buildx_arch=$([[ "$RUNNER_ARCH" == arm64 ]] && echo arm64 || echo amd64)
    install -d -m 0755 /usr/local/lib/docker/cli-plugins
    fetch_verified "https://github.com/docker/buildx/releases/download/v${BUILDX_VERSION}/buildx-v${BUILDX_VERSION}.linux-${buildx_arch}" \
      "$BUILDX_SHA256" /usr/local/lib/docker/cli-plugins/docker-buildx "$BUILDX_BINARY"
    chmod 0755 /usr/local/lib/docker/cli-plugins/docker-buildx
  else
    echo "install: no buildx checksum given: no buildx (docker/setup-buildx-action installs it in a job)"
  fi
  install -D -m 0644 -o root -g root "$FILES/docker-daemon.json" /etc/docker/daemon.json
  # The job's user runs Docker through the docker group: root on this instance, by design (the instance
  # runs this one job and is destroyed). docs/runner-image.md, "Docker".
  usermod --append --groups docker runner
  systemctl enable docker.service
fi

install -m 0755 -o root -g root "$FILES/bootstrap.sh" /usr/local/sbin/mayfly-bootstrap
install -m 0644 -o root -g root "$FILES/mayfly-bootstrap.service" /etc/systemd/system/mayfly-bootstrap.service
install -D -m 0644 -o root -g root "$FILES/cloud-init.cfg" /etc/cloud/cloud.cfg.d/99-mayfly.cfg
install -m 0644 -o root -g root "$FILES/sysctl.conf" /etc/sysctl.d/90-mayfly.conf
printf 'VARIANT=%s\nRUNNER_VERSION=%s\n' "$VARIANT" "$RUNNER_VERSION" >/etc/mayfly-image
systemctl enable mayfly-bootstrap.service
rm -rf "$FILES"
