#!/usr/bin/env bash
# mayfly-bootstrap: runs once at boot (mayfly-bootstrap.service). Reads its user-data from IMDSv2, trades
# the one-time bootstrap token plus the instance identity document for a just-in-time runner config
# (POST /bootstrap, src/bootstrap/route.ts), runs the Actions runner for one job, then powers off. The
# launch sets InstanceInitiatedShutdownBehavior=terminate, so powering off ends the instance.
# A stopped pool's first boot is a warm-up (user-data MAYFLY_WARM_UP='1', no URL and no token; ADR 0014):
# it reads the runner's files once, never enrols, and powers off; that launch's shutdown behaviour is
# `stop`, so the instance waits stopped until the app writes fresh user-data and starts it.
# Every way out of this script powers off (the EXIT trap); a watchdog powers off after the maximum
# lifetime whatever happens. The token and the JIT config are never logged nor written to disk.
# Needs: bash >= 5, curl, jq >= 1.6, coreutils, util-linux (setpriv), nftables. Docs: docs/runner-image.md.
set -euo pipefail
set +x # tracing would print the token and the JIT config, even if SHELLOPTS=xtrace came in from outside
umask 077

# Overridable for tests only; the unit sets none of them.
readonly IMDS="${MAYFLY_IMDS_URL:-http://169.254.169.254}"
readonly RUNNER_DIR="${MAYFLY_RUNNER_DIR:-/opt/actions-runner}"
readonly RUNNER_USER="${MAYFLY_RUNNER_USER-runner}" # set but empty: run as the current user
readonly DEADLINE_OVERRIDE="${MAYFLY_BOOTSTRAP_DEADLINE_SECONDS:-}"
readonly BACKOFF_BASE_MS="${MAYFLY_BACKOFF_BASE_MS:-1000}"
readonly BACKOFF_MAX_MS="${MAYFLY_BACKOFF_MAX_MS:-30000}"

watchdog_pid=""
runner_pid=""
work=""

log() { printf 'mayfly-bootstrap: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# EXIT trap: the single way out. Stops the watchdog and the runner, removes scratch files, powers off.
finish() {
  local status=$?
  trap - EXIT
  trap '' TERM INT
  if [[ -n "$watchdog_pid" ]]; then kill "$watchdog_pid" 2>/dev/null || true; fi
  if [[ -n "$runner_pid" ]]; then kill -TERM "$runner_pid" 2>/dev/null || true; fi
  if [[ -n "$work" ]]; then rm -rf -- "$work"; fi
  log "powering off (exit status $status)"
  poweroff || log "poweroff failed (status $?)"
  exit "$status"
}
trap finish EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
# Sets now (epoch ms) without forking: EPOCHREALTIME is bash 5's clock; the locale may use a comma.
clock() {
  local micros="${EPOCHREALTIME//[!0-9]/}"
  now=$((10#$micros / 1000))
}

# One HTTP attempt: sets curl_rc, http_status ("000" when no answer) and http_body (never logged).
request() {
  local out
  curl_rc=0
  out=$(curl -fsS --retry 0 --proto '=http,https' -w '\n%{http_code}' "$@") || curl_rc=$?
  http_status="${out##*$'\n'}"
  http_body="${out%$'\n'*}"
  is_uint "$http_status" || http_status="000"
}

# Sleeps before attempt number $1 + 1: exponential backoff with equal jitter, or $3 seconds when the
# server said so (retry-after). Returns 1, without sleeping, when that would pass the deadline.
pause_before_retry() {
  local attempt="$1" reason="$2" retry_after="${3:-}" delay
  if is_uint "$retry_after"; then
    if ((${#retry_after} > 6)); then retry_after=999999; fi # beyond any deadline, and no overflow
    delay=$((10#$retry_after * 1000))
  else
    delay=$((BACKOFF_BASE_MS << (attempt > 16 ? 16 : attempt - 1)))
    if ((delay > BACKOFF_MAX_MS)); then delay=$BACKOFF_MAX_MS; fi
    delay=$((delay / 2 + RANDOM % (delay / 2 + 1)))
  fi
  clock
  if ((now + delay >= deadline_ms)); then
    log "$reason; giving up: no time left before the ${DEADLINE_SECONDS}s bootstrap deadline"
    return 1
  fi
  log "$reason; retrying in ${delay}ms (attempt $attempt)"
  sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
}

# Sets max_time, for one attempt's --max-time: at most 30 s, never past the deadline, at least 1 s.
attempt_seconds() {
  clock
  max_time=$(((deadline_ms - now) / 1000))
  if ((max_time > 30)); then max_time=30; fi
  if ((max_time < 1)); then max_time=1; fi
}

# IMDSv2 (docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html): a session
# token by PUT, then GETs carrying it. Sets user_data; writes the identity document and signature to
# files so that they stay byte-exact (command substitution would strip trailing newlines).
imds_try() {
  local token kind
  attempt_seconds
  request --noproxy '*' --max-time "$max_time" -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS/latest/api/token"
  [[ $curl_rc -eq 0 && -n "$http_body" ]] || return 1
  token="$http_body"
  request --noproxy '*' --max-time "$max_time" -H "X-aws-ec2-metadata-token: $token" "$IMDS/latest/user-data"
  if [[ "$http_status" == 404 ]]; then die "this instance has no user-data: launched outside Mayfly?"; fi
  [[ $curl_rc -eq 0 ]] || return 1
  user_data="$http_body"
  for kind in document signature; do
    request --noproxy '*' --max-time "$max_time" -H "X-aws-ec2-metadata-token: $token" \
      -o "$work/$kind" "$IMDS/latest/dynamic/instance-identity/$kind"
    [[ $curl_rc -eq 0 ]] || return 1
  done
}

read_imds() {
  local attempt=1
  until imds_try; do
    pause_before_retry "$attempt" "IMDS did not answer (curl $curl_rc, HTTP $http_status)" ||
      die "could not read instance metadata"
    attempt=$((attempt + 1))
  done
}

# User-data is parsed, never sourced or evaluated: only lines that are exactly KEY='value' count.
parse_user_data() {
  local line key missing=() pattern="^(MAYFLY_[A-Z_]+)='([^']*)'\$" header='^# mayfly-bootstrap (v[0-9]+)'
  declare -gA settings=()
  while IFS= read -r line; do
    if [[ "$line" =~ $header && "${BASH_REMATCH[1]}" != v1 ]]; then
      die "user-data format ${BASH_REMATCH[1]} is not supported (v1)"
    fi
    [[ "$line" =~ $pattern ]] || continue
    [[ -z "${settings[${BASH_REMATCH[1]}]+set}" ]] || die "user-data sets ${BASH_REMATCH[1]} more than once"
    settings[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]}"
  done < <(printf '%s\n' "$user_data") # not <<<: a here-string may be a temporary file
  warm_up="${settings[MAYFLY_WARM_UP]-}"
  if [[ -n "${settings[MAYFLY_WARM_UP]+set}" ]]; then
    [[ "$warm_up" == 1 ]] || die "MAYFLY_WARM_UP must be 1, got '$warm_up'"
    # The app writes a warm-up boot no credential (src/warm/warm-up-user-data.ts); one with a token or
    # URL is not the app's, and this boot will not enrol whatever else it says.
    for key in MAYFLY_URL MAYFLY_BOOTSTRAP_TOKEN; do
      [[ -z "${settings[$key]+set}" ]] || die "warm-up user-data must not set $key; not enrolling"
    done
    pool="${settings[MAYFLY_POOL]:-}"
    [[ -n "$pool" ]] || die "user-data is missing MAYFLY_POOL"
    return
  fi
  for key in MAYFLY_URL MAYFLY_BOOTSTRAP_TOKEN MAYFLY_POOL MAYFLY_MAX_LIFETIME_SECONDS; do
    [[ -n "${settings[$key]:-}" ]] || missing+=("$key")
  done
  ((${#missing[@]} == 0)) || die "user-data is missing ${missing[*]} (expected KEY='value' lines)"
  app_url="${settings[MAYFLY_URL]}"
  bootstrap_token="${settings[MAYFLY_BOOTSTRAP_TOKEN]}"
  pool="${settings[MAYFLY_POOL]}"
  max_lifetime="${settings[MAYFLY_MAX_LIFETIME_SECONDS]}"
  [[ "$max_lifetime" =~ ^[1-9][0-9]{0,6}$ ]] ||
    die "MAYFLY_MAX_LIFETIME_SECONDS must be a whole number of seconds, got '$max_lifetime'"
  # The pool's boot timeout: how long the app may take to issue this runner's config (it paces JIT
  # configs under GitHub's limits) before the reaper gives up on the instance.
  boot_timeout="${settings[MAYFLY_BOOT_TIMEOUT_SECONDS]:-240}"
  [[ "$boot_timeout" =~ ^[1-9][0-9]{0,5}$ ]] ||
    die "MAYFLY_BOOT_TIMEOUT_SECONDS must be a whole number of seconds, got '$boot_timeout'"
  # Plain HTTP would expose the token and the JIT config on the wire; only loopback may use it.
  local https='^https://[^/]+' loopback='^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?(/|$)'
  [[ "$app_url" =~ $https || "$app_url" =~ $loopback ]] || die "MAYFLY_URL must be an https:// URL"
  app_url="${app_url%/}"
  # Absent (an older app) means block: the safe default.
  job_imds="${settings[MAYFLY_JOB_IMDS]-block}"
  [[ "$job_imds" == block || "$job_imds" == allow ]] ||
    die "MAYFLY_JOB_IMDS must be block or allow, got '$job_imds'"
}

# Closes IMDS to the job's user once this script has read all it needs from it (DESIGN.md "bootstrap"):
# the token and the identity document stay out of the job's reach, and so do the instance role's
# credentials. The socket owner's uid is matched, so the runner and every process it starts are refused
# while root (this script, dockerd) is not. The forward chain drops IMDS traffic routed from containers
# on a bridge network. A job that is root on its instance (docker group, standard variant) can undo
# this; see docs/runner-image.md, "IMDS". Fails closed: no rule, no job, and the token is not spent.
block_imds() {
  local uid
  if [[ "$job_imds" == allow ]]; then
    log "WARNING: pool $pool lets its jobs reach IMDS (jobImds: allow); instance metadata stays open"
    return
  fi
  uid=$(id -u ${RUNNER_USER:+"$RUNNER_USER"}) || die "no uid for ${RUNNER_USER:-the current user}"
  command -v nft >/dev/null || die "nft is not installed: cannot close IMDS to the job, not running it"
  nft -f - <<RULES || die "could not load the IMDS firewall rule (nft status $?); not running the job"
table inet mayfly_imds {
  chain output {
    type filter hook output priority 0; policy accept;
    meta skuid $uid ip daddr 169.254.169.254 counter reject
    meta skuid $uid ip6 daddr fd00:ec2::254 counter reject
  }
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip daddr 169.254.169.254 counter drop
    ip6 daddr fd00:ec2::254 counter drop
  }
}
RULES
  log "IMDS closed to uid $uid"
}

# Powers off after the maximum lifetime, whatever the runner is doing: TERM to this script runs the EXIT
# trap (stop the runner, power off); if the script is already gone, power off directly.
start_watchdog() {
  (
    trap - EXIT
    sleep "$1" >/dev/null 2>&1 &
    nap=$!
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    wait "$nap"
    log "maximum lifetime of $1s reached: stopping the runner"
    kill -TERM "$$" 2>/dev/null || poweroff
  ) &
  watchdog_pid=$!
}

# POST /bootstrap until it answers 200, is refused (final), or the deadline passes. Sets jit_config.
enrol() {
  local body attempt=1 instance_id retry_after runner_name
  # --rawfile keeps the document byte-exact; the token goes in through a pipe, never argv or disk.
  {
    IFS= read -r instance_id
    IFS= read -r body
  } < <(jq -rn --rawfile token <(printf '%s' "$bootstrap_token") \
    --rawfile document "$work/document" --rawfile signature "$work/signature" \
    '(($document | fromjson? | .instanceId) // "unknown" | tostring),
     ({token: $token, identity: {document: $document, signature: $signature}} | tojson)') || true
  instance_id="${instance_id//[!A-Za-z0-9-]/}"
  [[ -n "${body:-}" ]] || die "could not build the bootstrap request"
  log "enrolling $instance_id in pool $pool at $app_url"
  while :; do
    attempt_seconds
    request --max-time "$max_time" -D "$work/headers" -H 'content-type: application/json' \
      --data-binary @- "$app_url/bootstrap" < <(printf '%s' "$body")
    case "$curl_rc/$http_status" in
      0/200) break ;;
      22/401 | 22/403) die "bootstrap refused (HTTP $http_status); not retrying" ;;
      22/429) retry_after=$(sed -n 's/^[Rr]etry-[Aa]fter:[[:space:]]*\([0-9]*\)[[:space:]]*$/\1/p' "$work/headers") ;;
      22/408 | 22/5??) retry_after="" ;;
      22/*) die "bootstrap failed with HTTP $http_status; not retrying" ;;
      0/*) die "bootstrap answered HTTP $http_status; not retrying" ;;
      1/* | 3/*) die "bootstrap URL is unusable (curl $curl_rc)" ;;
      *) retry_after="" ;;
    esac
    pause_before_retry "$attempt" "bootstrap unavailable (curl $curl_rc, HTTP $http_status)" "$retry_after" ||
      die "could not enrol"
    attempt=$((attempt + 1))
  done
  # One line: the config is base64 and @tsv escapes anything odd in the runner name.
  IFS=$'\t' read -r jit_config runner_name < <(printf '%s' "$http_body" | jq -r 'select(.encodedJitConfig |
    type == "string") | [.encodedJitConfig, (.runnerName // "unknown" | tostring)] | @tsv' 2>/dev/null) || true
  [[ -n "${jit_config:-}" ]] || die "bootstrap answered 200 without a runner config"
  log "enrolled as runner $runner_name"
}

# A warm-up boot's work: read the runner's files once, so that their blocks are fetched from the AMI's
# snapshot now and not when a job starts (EBS volumes restored from a snapshot load lazily:
# https://docs.aws.amazon.com/ebs/latest/userguide/initalize-volume.html, sic). Bounded by the deadline;
# a slow or failed read only makes the later start slower, so it is logged, not fatal.
warm_up_image() {
  clock
  local seconds=$(((deadline_ms - now) / 1000)) status=0
  if ((seconds < 1)); then seconds=1; fi
  log "warm-up boot for pool $pool: reading $RUNNER_DIR, not enrolling"
  timeout "$seconds" find "$RUNNER_DIR" -xdev -type f -exec cat -- {} + >/dev/null 2>&1 || status=$?
  if ((status != 0)); then log "warm-up read ended with status $status"; fi
  log "warm-up done: powering off to wait stopped"
}

# Checked before enrolling, so that a broken image does not spend the one-time token.
check_runner() {
  [[ -x "$RUNNER_DIR/run.sh" ]] || die "no runner at $RUNNER_DIR/run.sh"
  if [[ -n "$RUNNER_USER" ]]; then runner_gid=$(id -g "$RUNNER_USER") || die "no user $RUNNER_USER"; fi
}

run_runner() {
  local status=0
  cd "$RUNNER_DIR"
  umask 022 # the runner and its jobs expect the usual default, not this script's private 077
  if [[ -n "$RUNNER_USER" ]]; then
    # setpriv, not runuser/su: no PAM session, so the runner stays in this unit's cgroup and sandbox.
    setpriv --reuid="$RUNNER_USER" --regid="$runner_gid" --init-groups --reset-env -- \
      "$RUNNER_DIR/run.sh" --jitconfig "$jit_config" &
  else
    "$RUNNER_DIR/run.sh" --jitconfig "$jit_config" &
  fi
  runner_pid=$!
  unset jit_config
  log "runner started${RUNNER_USER:+ as $RUNNER_USER}"
  wait "$runner_pid" || status=$?
  runner_pid=""
  log "runner exited with status $status"
  return "$status"
}

main() {
  for knob in BACKOFF_BASE_MS BACKOFF_MAX_MS; do
    is_uint "${!knob}" || die "$knob must be a whole number"
  done
  [[ -z "$DEADLINE_OVERRIDE" ]] || is_uint "$DEADLINE_OVERRIDE" ||
    die "MAYFLY_BOOTSTRAP_DEADLINE_SECONDS must be a whole number"
  clock
  local started_ms="$now"
  # Until user-data is read, IMDS gets 240 s; then the deadline is the pool's boot timeout from start.
  DEADLINE_SECONDS="${DEADLINE_OVERRIDE:-240}"
  deadline_ms=$((started_ms + DEADLINE_SECONDS * 1000))
  work=$(mktemp -d)
  check_runner
  read_imds
  parse_user_data
  if [[ -n "$warm_up" ]]; then
    warm_up_image
    exit 0
  fi
  DEADLINE_SECONDS="${DEADLINE_OVERRIDE:-$boot_timeout}"
  deadline_ms=$((started_ms + DEADLINE_SECONDS * 1000))
  block_imds
  start_watchdog "$max_lifetime"
  enrol
  run_runner
}

main "$@"
