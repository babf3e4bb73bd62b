#!/usr/bin/env bash
# Static checks for the runner image, offline: shellcheck on every script, systemd's own check of the
# unit (where systemd-analyze exists), and Packer's formatting and validation of the template for both
# architectures. `packer validate` needs no AWS credentials or network here: the base AMI filter is only
# resolved by `packer build`. Needs (Debian): apt-get install -y shellcheck packer
set -euo pipefail
cd "$(dirname "$0")"
# No update check against checkpoint.hashicorp.com: this must work offline.
export CHECKPOINT_DISABLE=1

echo "--- shellcheck"
shellcheck bootstrap.sh check.sh image/*.sh

echo "--- systemd unit"
if command -v systemd-analyze >/dev/null; then
  # verify wants the ExecStart binary to exist: check a copy that points at this checkout's script.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  sed -e "s|^ExecStart=.*|ExecStart=$PWD/bootstrap.sh|" -e "s|^WorkingDirectory=.*|WorkingDirectory=$PWD|" \
    mayfly-bootstrap.service >"$scratch/mayfly-bootstrap.service"
  output=$(systemd-analyze verify "$scratch/mayfly-bootstrap.service" 2>&1) || true
  if [[ -n "$output" ]]; then
    echo "$output" >&2
    exit 1
  fi
else
  echo "systemd-analyze not found: unit not verified (Debian: apt-get install -y systemd)"
fi

echo "--- packer"
packer fmt -check -diff runner.pkr.hcl
packer validate runner.pkr.hcl
packer validate -var arch=arm64 runner.pkr.hcl
echo "infra/runner: all checks passed"
