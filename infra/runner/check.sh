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
shellcheck bootstrap.sh check.sh check-release.sh image/*.sh

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
# ssh_source_cidrs has no default (the build host's range): a documentation address stands in.
cidrs='ssh_source_cidrs=["192.0.2.10/32"]'
for variant in minimal standard; do
  for arch in x86_64 arm64; do
    echo "packer validate: $variant $arch"
    packer validate -var "$cidrs" -var "variant=$variant" -var "arch=$arch" runner.pkr.hcl
  done
done
# The template must refuse an SSH range open to the internet.
if packer validate -var 'ssh_source_cidrs=["0.0.0.0/0"]' runner.pkr.hcl >/dev/null 2>&1; then
  echo "runner.pkr.hcl accepts ssh_source_cidrs=0.0.0.0/0" >&2
  exit 1
fi
echo "infra/runner: all checks passed"
