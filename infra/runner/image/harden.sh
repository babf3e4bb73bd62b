#!/usr/bin/env bash
# Packer provisioner (runner.pkr.hcl), run last, as root: removes remote access, compilers and network
# tools, leaves no sudo rule, resets first-boot state, then checks the result. It removes the SSH server
# Packer is connected through, so Packer expects the disconnect.
set -euo pipefail

installed() { rpm -q --quiet "$1"; }
remove_if_installed() {
  local present=() package
  for package in "$@"; do if installed "$package"; then present+=("$package"); fi; done
  if ((${#present[@]} > 0)); then dnf -y remove "${present[@]}"; fi
}

# No remote shells: SSH (and EC2 Instance Connect, which needs it) and, unless the stack opts in to
# Session Manager (SSM_AGENT=true, runner.pkr.hcl's ssm_agent), the SSM agent.
remove_if_installed ec2-instance-connect openssh-server
if [[ "${SSM_AGENT:-false}" == true ]]; then
  dnf -y install amazon-ssm-agent
  systemctl enable amazon-ssm-agent.service
else
  remove_if_installed amazon-ssm-agent
fi
# No compilers or build tools; jobs that need them install them in a container or a custom image.
remove_if_installed gcc gcc-c++ cpp clang make
# No network tools beyond curl (bootstrap) and git (checkout).
remove_if_installed wget nmap-ncat nmap socat telnet tcpdump rsync bind-utils
dnf clean all

# No sudo for anyone but root. The build user's NOPASSWD rule (cloud-init) goes, the build user is locked
# and new instances create no default user (cloud-init.cfg). sudo itself stays when other packages
# depend on it; without a rule it grants nothing, and NoNewPrivileges in the unit stops every setuid
# binary for the runner and its jobs anyway.
rm -f /etc/sudoers.d/*
if installed sudo && ! rpm -q --quiet --whatrequires sudo; then
  dnf -y remove --setopt=protected_packages= sudo || echo "harden: sudo kept (dnf refused); it has no rules"
fi
if id ec2-user >/dev/null 2>&1; then
  usermod --lock --expiredate 1 --shell /sbin/nologin ec2-user
  rm -rf /home/ec2-user/.ssh
fi
rm -rf /root/.ssh
rm -f /etc/ssh/ssh_host_*

# First-boot state: each instance gets its own machine-id and runs cloud-init afresh.
cloud-init clean --logs
truncate -s 0 /etc/machine-id
rm -rf /var/log/journal/* /tmp/* /var/tmp/*

# Check what the image promises; any failure fails the build.
fail() {
  echo "harden: $*" >&2
  exit 1
}
for command in sshd gcc cc make wget nc; do
  if command -v "$command" >/dev/null; then fail "$command is still installed"; fi
done
for command in bash curl jq setpriv git; do
  command -v "$command" >/dev/null || fail "$command is missing"
done
if id -nG runner | grep -qw -e wheel -e sudo -e adm; then fail "runner is in an admin group"; fi
[[ -z "$(ls -A /etc/sudoers.d 2>/dev/null)" ]] || fail "a sudo rule is left in /etc/sudoers.d"
[[ -x /opt/actions-runner/run.sh ]] || fail "the runner is not installed"
systemctl is-enabled --quiet mayfly-bootstrap.service || fail "mayfly-bootstrap.service is not enabled"
echo "harden: done"
