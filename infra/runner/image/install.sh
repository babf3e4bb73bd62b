#!/usr/bin/env bash
# Packer provisioner (runner.pkr.hcl), run as root on the AL2023 build instance: installs what the
# runner needs, the pinned runner release (checksum-verified), the `runner` user and the bootstrap unit.
# The files it installs were uploaded to /tmp/mayfly by the file provisioner.
set -euo pipefail
: "${RUNNER_VERSION:?}" "${RUNNER_ARCH:?}" "${RUNNER_SHA256:?}"
readonly FILES=/tmp/mayfly
readonly RUNNER_DIR=/opt/actions-runner

# Security updates are baked in at build time; instances never update themselves (cloud-init.cfg).
# AL2023 locks its repositories to the AMI's release; --releasever=latest takes the newest fixes
# (https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades.html).
dnf -y upgrade --releasever=latest --refresh

# bootstrap.sh: bash, curl, jq, setpriv; the runner's config.sh: ldd. Named by path where AL2023 has two packages for one command
# (curl-minimal is HTTP(S)-only and already there; setpriv's package differs between releases). The
# runner: tar and gzip to unpack, git-core for actions/checkout (git without perl), and the .NET runtime's
# native libraries (https://github.com/actions/runner/blob/main/docs/start/envlinux.md).
dnf -y install --setopt=install_weak_deps=False \
  bash /usr/bin/curl jq /usr/bin/setpriv /usr/bin/ldd tar gzip git-core ca-certificates \
  lttng-ust openssl-libs krb5-libs zlib libicu

# The job user: no password, no sudo rule, not in wheel.
useradd --create-home --home-dir /home/runner --shell /bin/bash --user-group runner
usermod --lock runner

archive="actions-runner-linux-${RUNNER_ARCH}-${RUNNER_VERSION}.tar.gz"
curl -fsSL --proto '=https' --proto-redir '=https' --tlsv1.2 --retry 3 -o "/tmp/$archive" \
  "https://github.com/actions/runner/releases/download/v${RUNNER_VERSION}/${archive}"
echo "${RUNNER_SHA256}  /tmp/$archive" | sha256sum --check --strict -
install -d -m 0755 -o runner -g runner "$RUNNER_DIR"
tar -xzf "/tmp/$archive" -C "$RUNNER_DIR" --no-same-owner
rm -f "/tmp/$archive"
# The runner writes its settings, _diag and _work here and updates itself in place when GitHub asks, so
# the job user owns it. The instance runs one job and is destroyed, so nothing outlives that job.
chown -R runner:runner "$RUNNER_DIR"
# Environment the runner passes to every job (https://docs.github.com/en/actions/hosting-your-own-runners).
printf 'LANG=C.UTF-8\n' >"$RUNNER_DIR/.env"
chown runner:runner "$RUNNER_DIR/.env"
# Fails the build if a native library is missing: config.sh checks with ldd before printing the version.
cd "$RUNNER_DIR"
setpriv --reuid=runner --regid=runner --init-groups --reset-env -- "$RUNNER_DIR/config.sh" --version
rm -rf "$RUNNER_DIR/_diag"

install -m 0755 -o root -g root "$FILES/bootstrap.sh" /usr/local/sbin/mayfly-bootstrap
install -m 0644 -o root -g root "$FILES/mayfly-bootstrap.service" /etc/systemd/system/mayfly-bootstrap.service
install -m 0644 -o root -g root "$FILES/cloud-init.cfg" /etc/cloud/cloud.cfg.d/99-mayfly.cfg
install -m 0644 -o root -g root "$FILES/sysctl.conf" /etc/sysctl.d/90-mayfly.conf
systemctl enable mayfly-bootstrap.service
rm -rf "$FILES"
