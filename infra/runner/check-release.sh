#!/usr/bin/env bash
# Compares the runner release pinned in runner.pkr.hcl (runner_version, runner_sha256_x64,
# runner_sha256_arm64) with GitHub's release metadata: GET /repos/actions/runner/releases/tags/v<version>,
# whose `body` (the release notes) carries each package's SHA-256 between
# `<!-- BEGIN SHA linux-x64 -->` and `<!-- END SHA linux-x64 -->` markers (actions/runner releaseNote.md).
# The markers are read, never "any 64 hex digits": the notes hold other hashes too.
#
# Usage: check-release.sh [--api URL] [--template FILE]
#   --api       GitHub API base URL (default: $GITHUB_API_URL, else https://api.github.com)
#   --template  the Packer template to read the pins from (default: runner.pkr.hcl beside this script)
# GITHUB_TOKEN, when set, is sent as a bearer token (rate limits); it is never printed.
# Exit status: 0 the pins match the release; 1 they differ (or the release has no such tag or checksum);
# 2 usage error or an answer that is not release metadata; 75 GitHub cannot be reached (no network,
# DNS, proxy or timeout): nothing was compared. Needs: bash, curl, jq.
set -euo pipefail
readonly UNREACHABLE=75
api="${GITHUB_API_URL:-https://api.github.com}"
template="$(dirname "$0")/runner.pkr.hcl"

usage() {
  echo "check-release: $*" >&2
  echo "usage: check-release.sh [--api URL] [--template FILE]" >&2
  exit 2
}
while (($# > 0)); do
  case "$1" in
    --api) api="${2:?--api needs a URL}" && shift 2 ;;
    --template) template="${2:?--template needs a file}" && shift 2 ;;
    *) usage "unknown argument $1" ;;
  esac
done
[[ -r "$template" ]] || usage "cannot read $template"
api="${api%/}"

# The default of `variable "NAME" { ... default = "VALUE" ... }` in the template.
pinned() {
  sed -n "/^variable \"$1\" {/,/^}/s/^[[:space:]]*default[[:space:]]*=[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$template"
}
version=$(pinned runner_version)
declare -A want=([linux-x64]=$(pinned runner_sha256_x64) [linux-arm64]=$(pinned runner_sha256_arm64))
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || usage "no runner_version default in $template"

url="$api/repos/actions/runner/releases/tags/v$version"
# The token reaches curl through a pipe (-H @file), never its argv.
auth_header() { if [[ -n "${GITHUB_TOKEN:-}" ]]; then printf 'Authorization: Bearer %s\n' "$GITHUB_TOKEN"; fi; }
body_file=$(mktemp)
trap 'rm -f "$body_file"' EXIT
curl_rc=0
status=$(curl -sS --max-time 20 --retry 0 --proto '=http,https' -o "$body_file" -w '%{http_code}' \
  -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' -H @<(auth_header) "$url") ||
  curl_rc=$?
case "$curl_rc" in
  0) ;;
  5 | 6 | 7 | 28 | 35 | 56 | 97)
    echo "check-release: cannot reach $api (curl exit $curl_rc): no network to GitHub here, so the pinned" >&2
    echo "check-release: runner $version was NOT compared with its release. Run this where github.com is reachable." >&2
    exit "$UNREACHABLE"
    ;;
  *) usage "request to $url failed (curl exit $curl_rc)" ;;
esac
case "$status" in
  200) ;;
  404)
    echo "check-release: DIFFERS: GitHub has no release v$version of actions/runner ($url answered 404)" >&2
    exit 1
    ;;
  *) usage "$url answered HTTP $status, not release metadata" ;;
esac
tag=$(jq -r 'if type == "object" then .tag_name // "" else "" end' "$body_file" 2>/dev/null) ||
  usage "$url did not answer JSON"
[[ "$tag" == "v$version" ]] || usage "$url answered release '$tag', not v$version"

differs=0
for platform in linux-x64 linux-arm64; do
  got=$(jq -r --arg p "$platform" '(.body // "") | [match("<!-- BEGIN SHA " + $p + " -->([0-9A-Fa-f]{64})<!-- END SHA " + $p + " -->"; "g").captures[0].string] | unique | if length == 1 then .[0] | ascii_downcase else "" end' "$body_file")
  if [[ -z "$got" ]]; then
    echo "check-release: DIFFERS: the v$version release notes carry no single SHA-256 for $platform" >&2
    differs=1
  elif [[ "$got" != "${want[$platform]}" ]]; then
    echo "check-release: DIFFERS: $platform pinned ${want[$platform]:-<none>}, release v$version says $got" >&2
    differs=1
  else
    echo "check-release: $platform $version matches the release ($got)"
  fi
done
if ((differs)); then
  echo "check-release: fix runner_version and runner_sha256_* in $template together (docs/runner-image.md)" >&2
fi
exit "$differs"
