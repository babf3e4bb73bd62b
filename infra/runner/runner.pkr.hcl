# Mayfly runner image, both variants: Amazon Linux 2023 minimal + the GitHub Actions runner (pinned,
# checksum-verified) + the bootstrap unit; `standard` adds Docker engine, buildx (pinned) and the common build
# tools. No SSH server, no sudo rules, no listening ports. Build and extend: docs/runner-image.md. The
# stack's scheduled pipeline (infra/lib/image-pipeline.ts) runs the same install.sh and harden.sh.
#
# Written for Packer 1.6.6 (Debian's package) and newer: the amazon-ebs builder is built in, so there is no
# `packer { required_plugins }` block (1.7+) and no `data` source (1.7+); the base AMI is found with
# source_ami_filter at build time, so `packer validate` needs no AWS credentials.

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "Region to build in; copy the AMI elsewhere with ami_regions if needed."
}

variable "arch" {
  type        = string
  default     = "x86_64"
  description = "x86_64 or arm64 (EC2's names)."
  validation {
    condition     = var.arch == "x86_64" || var.arch == "arm64"
    error_message = "The arch must be x86_64 or arm64."
  }
}

variable "variant" {
  type        = string
  default     = "minimal"
  description = "minimal (the runner only) or standard (Docker engine, buildx, build tools)."
  validation {
    condition     = var.variant == "minimal" || var.variant == "standard"
    error_message = "The variant must be minimal or standard."
  }
}

variable "instance_type" {
  type        = string
  default     = ""
  description = "Build instance type; empty picks t3.small (x86_64) or t4g.small (arm64)."
}

# Pinned runner release, https://github.com/actions/runner/releases/tag/v2.338.0. The SHA-256 values are
# the release notes' "SHA-256 Checksums" for actions-runner-linux-{x64,arm64}-2.338.0.tar.gz. When you
# bump the version, change all three together (docs/runner-image.md, "Updating the runner").
variable "runner_version" {
  type    = string
  default = "2.338.0"
}

variable "runner_sha256_x64" {
  type    = string
  default = "af4b794c1bc41d73d40535e3fe092a39f9679cd8d965954c2aca25a05ca41d32"
  validation {
    condition     = length(var.runner_sha256_x64) == 64
    error_message = "The runner_sha256_x64 must be a SHA-256: 64 hex digits."
  }
}

variable "runner_sha256_arm64" {
  type    = string
  default = "628b4a7258487b80c1d3c221095a7ded349f5ae0175fd3dfab708d07428f041b"
  validation {
    condition     = length(var.runner_sha256_arm64) == 64
    error_message = "The runner_sha256_arm64 must be a SHA-256: 64 hex digits."
  }
}

# buildx for the standard variant, pinned like the runner: https://github.com/docker/buildx/releases, the
# release's checksums.txt lines for buildx-v<version>.linux-{amd64,arm64}. No default checksum is shipped
# (none was checked against a release here); without one the standard image has no buildx, and
# docker/setup-buildx-action installs it in the job.
variable "buildx_version" {
  type    = string
  default = "0.19.3"
}

variable "buildx_sha256_x64" {
  type    = string
  default = ""
  validation {
    condition     = var.buildx_sha256_x64 == "" || length(var.buildx_sha256_x64) == 64
    error_message = "The buildx_sha256_x64 must be a SHA-256: 64 hex digits."
  }
}

variable "buildx_sha256_arm64" {
  type    = string
  default = ""
  validation {
    condition     = var.buildx_sha256_arm64 == "" || length(var.buildx_sha256_arm64) == 64
    error_message = "The buildx_sha256_arm64 must be a SHA-256: 64 hex digits."
  }
}

variable "kms_key_id" {
  type        = string
  default     = ""
  description = "KMS key for the AMI's snapshots; empty uses the account's aws/ebs key."
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet for the build instance; empty uses the default VPC."
}

# Packer reaches the build instance over SSH until harden.sh removes the server. No default: the range is
# the build host's, and the whole internet is refused.
variable "ssh_source_cidrs" {
  type        = list(string)
  description = "Who may reach the build instance's SSH port while Packer provisions it: your build host, e.g. [\"203.0.113.7/32\"]."
  validation {
    condition     = length(var.ssh_source_cidrs) > 0 && ! contains(var.ssh_source_cidrs, "0.0.0.0/0") && ! contains(var.ssh_source_cidrs, "::/0")
    error_message = "The ssh_source_cidrs must name your build host's range, not 0.0.0.0/0 or ::/0."
  }
}

variable "ssm_agent" {
  type        = bool
  default     = false
  description = "Keep the SSM agent, for stacks deployed with -c mayfly:ssmSessionManager=true (a remote shell on runners)."
}

variable "volume_size" {
  type    = number
  default = 16
}

variable "ami_name_prefix" {
  type    = string
  default = "mayfly-runner"
}

locals {
  runner_arch   = var.arch == "arm64" ? "arm64" : "x64"
  runner_sha256 = var.arch == "arm64" ? var.runner_sha256_arm64 : var.runner_sha256_x64
  buildx_sha256 = var.arch == "arm64" ? var.buildx_sha256_arm64 : var.buildx_sha256_x64
  instance_type = var.instance_type != "" ? var.instance_type : (var.arch == "arm64" ? "t4g.small" : "t3.small")
  stamp         = formatdate("YYYYMMDDhhmmss", timestamp())
}

source "amazon-ebs" "runner" {
  region        = var.region
  instance_type = local.instance_type
  subnet_id     = var.subnet_id

  # AL2023 AMIs are registered with ImdsSupport=v2.0, so the build instance requires IMDSv2 (hop limit 2)
  # unless the account's default says otherwise (https://docs.aws.amazon.com/linux/al2023/ug/imdsv2.html).
  # Packer 1.6.6 has no metadata_options; with Packer >= 1.7 (amazon plugin) also set
  # metadata_options { http_tokens = "required" } and imds_support = "v2.0" (docs/runner-image.md).
  source_ami_filter {
    filters = {
      name                = "al2023-ami-minimal-2023.*-${var.arch}"
      architecture        = var.arch
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["amazon"]
    most_recent = true
  }
  ssh_username                          = "ec2-user"
  temporary_security_group_source_cidrs = var.ssh_source_cidrs

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.volume_size
    volume_type           = "gp3"
    iops                  = 3000 # gp3's baseline; Packer 1.6.6 insists on both for gp3
    throughput            = 125
    encrypted             = true
    delete_on_termination = true
  }

  # The AMI's snapshots are encrypted (with kms_key_id, or aws/ebs when it is empty).
  encrypt_boot = true
  kms_key_id   = var.kms_key_id
  ena_support  = true

  ami_name        = "${var.ami_name_prefix}-${var.variant}-${var.runner_version}-${var.arch}-${local.stamp}"
  ami_description = "Mayfly ephemeral runner (${var.variant}): AL2023, actions/runner ${var.runner_version}, no sshd"
  tags = {
    "mayfly:image"          = "runner"
    "mayfly:image-variant"  = var.variant
    "mayfly:runner-version" = var.runner_version
    "mayfly:base-ami"       = "{{ .SourceAMI }}"
    "mayfly:base-ami-name"  = "{{ .SourceAMIName }}"
  }
  snapshot_tags = {
    "mayfly:image" = "runner"
  }
  run_tags = {
    "mayfly:image-build" = "runner"
  }
}

build {
  sources = ["source.amazon-ebs.runner"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/mayfly"]
  }

  provisioner "file" {
    sources = [
      "${path.root}/bootstrap.sh",
      "${path.root}/mayfly-bootstrap.service",
      "${path.root}/image/cloud-init.cfg",
      "${path.root}/image/sysctl.conf",
      "${path.root}/image/docker-daemon.json",
    ]
    destination = "/tmp/mayfly/"
  }

  provisioner "shell" {
    script          = "${path.root}/image/install.sh"
    execute_command = "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}"
    environment_vars = [
      "RUNNER_VERSION=${var.runner_version}",
      "RUNNER_ARCH=${local.runner_arch}",
      "RUNNER_SHA256=${local.runner_sha256}",
      "VARIANT=${var.variant}",
      "BUILDX_VERSION=${var.buildx_version}",
      "BUILDX_SHA256=${local.buildx_sha256}",
    ]
  }

  # Last: it removes the SSH server Packer is connected through and the build user's sudo rule.
  provisioner "shell" {
    script            = "${path.root}/image/harden.sh"
    execute_command   = "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}"
    environment_vars  = ["SSM_AGENT=${var.ssm_agent}", "VARIANT=${var.variant}", "BUILDER=packer"]
    expect_disconnect = true
    skip_clean        = true
  }
}
