#!/usr/bin/env bash
# Last image build step, run as root (runner.pkr.hcl, or the stack's EC2 Image Builder pipeline): removes
# remote access, tools the variant does not ship and every sudo rule, masks services a runner does not
# need (automatic updates among them), resets first-boot state, then checks the result: any broken
# promise fails the build. Under Packer it removes the SSH server Packer is connected through, so Packer
# expects the disconnect. Runs on Amazon Linux 2023 and on Debian (test/image/). docs/runner-image.md.
set -euo pipefail
readonly VARIANT="${VARIANT:-minimal}" BUILDER="${BUILDER:-packer}"

if command -v rpm >/dev/null && command -v dnf >/dev/null; then
  installed() { rpm -q --quiet "$1"; }
  remove() { dnf -y remove "$@"; }
  ssh_packages=(openssh-server ec2-instance-connect)
  compilers=(gcc gcc-c++ cpp clang make)
  net_tools=(nmap-ncat nmap socat telnet tcpdump)
  minimal_net_tools=(wget rsync bind-utils)
else
  installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }
  remove() { DEBIAN_FRONTEND=noninteractive apt-get -y -q purge "$@"; }
  ssh_packages=(openssh-server)
  compilers=(gcc g++ cpp clang make build-essential)
  net_tools=(netcat-openbsd netcat-traditional ncat nmap socat telnet tcpdump)
  minimal_net_tools=(wget rsync dnsutils)
fi
remove_if_installed() {
  local present=() package
  for package in "$@"; do if installed "$package"; then present+=("$package"); fi; done
  if ((${#present[@]} > 0)); then remove "${present[@]}"; fi
}

# No remote shells: SSH (and EC2 Instance Connect, which needs it) and, unless the stack opts in to
# Session Manager (SSM_AGENT=true, runner.pkr.hcl's ssm_agent), the SSM agent. Image Builder drives this
# script through the SSM agent, so there the agent is masked (it never starts on a runner) rather than
# removed under its own feet; the recipe also has Image Builder uninstall it after the build.
remove_if_installed "${ssh_packages[@]}"
ssm_units=(amazon-ssm-agent.service snap.amazon-ssm-agent.amazon-ssm-agent.service)
if [[ "${SSM_AGENT:-false}" == true ]]; then
  dnf -y install amazon-ssm-agent
  systemctl enable amazon-ssm-agent.service
  ssm_units=()
elif [[ "$BUILDER" == imagebuilder ]]; then
  systemctl disable amazon-ssm-agent.service 2>/dev/null || true
else
  remove_if_installed amazon-ssm-agent
fi
# minimal: no compilers or build tools; jobs that need them use the standard variant or a container.
if [[ "$VARIANT" == minimal ]]; then remove_if_installed "${compilers[@]}" "${minimal_net_tools[@]}"; fi
# No network tools for probing or relaying, in either variant.
remove_if_installed "${net_tools[@]}"
if command -v dnf >/dev/null; then dnf clean all; else apt-get clean; fi

# No sudo for anyone but root. The build user's NOPASSWD rule (cloud-init) goes, the build user is locked
# and new instances create no default user (cloud-init.cfg). sudo itself stays when other packages
# depend on it; without a rule it grants nothing, and NoNewPrivileges in the unit stops every setuid
# binary for the runner and its jobs anyway.
rm -f /etc/sudoers.d/*
if installed sudo && { ! command -v rpm >/dev/null || ! rpm -q --quiet --whatrequires sudo; }; then
  if command -v dnf >/dev/null; then
    dnf -y remove --setopt=protected_packages= sudo || echo "harden: sudo kept (dnf refused); it has no rules"
  else
    remove sudo || echo "harden: sudo kept (apt refused); it has no rules"
  fi
fi
if id ec2-user >/dev/null 2>&1; then
  usermod --lock --expiredate 1 --shell /sbin/nologin ec2-user
  rm -rf /home/ec2-user/.ssh
fi
rm -rf /root/.ssh
rm -f /etc/ssh/ssh_host_*

# Services a runner does not need, masked so that no package or preset can start them: remote access,
# automatic updates (the image is rebuilt instead: infra/lib/image-pipeline.ts), and daemons that listen.
# Masking a unit that is not installed is harmless and keeps it off if a later package brings it.
masked=(sshd.service sshd.socket ssh.service ssh.socket "${ssm_units[@]}"
  dnf-makecache.timer dnf-makecache.service dnf-automatic.timer dnf-automatic-install.timer
  apt-daily.timer apt-daily-upgrade.timer unattended-upgrades.service
  rpcbind.service rpcbind.socket avahi-daemon.service avahi-daemon.socket cups.service cups.socket
  postfix.service exim4.service atd.service)
systemctl mask "${masked[@]}"

# First-boot state: each instance gets its own machine-id and runs cloud-init afresh.
if command -v cloud-init >/dev/null; then cloud-init clean --logs; fi
truncate -s 0 /etc/machine-id
rm -rf /var/log/journal/* /tmp/* /var/tmp/*

# Check what the image promises; any failure fails the build.
fail() {
  echo "harden: $*" >&2
  exit 1
}
# The build instance itself must require IMDSv2: a GET without a session token is refused with 401.
# (test/image/ builds in a chroot with no IMDS and sets BUILDER=test.)
if [[ "$BUILDER" != test ]]; then
  imds_status=$(curl -s -o /dev/null -w '%{http_code}' -m 5 http://169.254.169.254/latest/meta-data/ || true)
  [[ "$imds_status" == 401 ]] || fail "the build instance answers IMDS without a token (HTTP $imds_status)"
fi
gone=(sshd wget nc ncat socat telnet tcpdump nmap)
if [[ "$VARIANT" == minimal ]]; then gone+=(gcc cc make); fi
for command in "${gone[@]}"; do
  if command -v "$command" >/dev/null; then
    [[ "$command" == wget && "$VARIANT" == standard ]] || fail "$command is still installed"
  fi
done
needed=(bash curl jq setpriv git nft)
if [[ "$VARIANT" == standard ]]; then needed+=(docker dockerd gcc make); fi
for command in "${needed[@]}"; do
  command -v "$command" >/dev/null || fail "$command is missing"
done
if id -nG runner | grep -qw -e wheel -e sudo -e adm; then fail "runner is in an admin group"; fi
# The docker group is root on this instance: the job's user is in it in standard, and only there.
if id -nG runner | grep -qw docker; then
  [[ "$VARIANT" == standard ]] || fail "runner is in the docker group in the $VARIANT variant"
else
  [[ "$VARIANT" == minimal ]] || fail "runner is not in the docker group: jobs cannot use Docker"
fi
[[ -z "$(ls -A /etc/sudoers.d 2>/dev/null)" ]] || fail "a sudo rule is left in /etc/sudoers.d"
[[ -x /opt/actions-runner/run.sh ]] || fail "the runner is not installed"
systemctl is-enabled --quiet mayfly-bootstrap.service || fail "mayfly-bootstrap.service is not enabled"
for unit in "${masked[@]}"; do
  [[ "$(systemctl is-enabled "$unit" 2>/dev/null)" == masked ]] || fail "$unit is not masked"
done
# No enabled socket unit may listen on a network port (unix sockets such as docker.socket are fine).
while read -r unit _; do
  [[ "$unit" == *.socket ]] || continue
  if systemctl cat "$unit" 2>/dev/null | grep -Eq '^Listen(Stream|Datagram)=([0-9.:\[\]]*:)?[0-9]+$'; then
    fail "$unit listens on a network port"
  fi
done < <(systemctl list-unit-files --type=socket --state=enabled --no-legend 2>/dev/null)
echo "harden: done ($VARIANT)"
