#!/bin/sh
# Container entrypoint. ECS passes settings only as environment variables, but the app reads the pool
# file and AWS's identity certificate from paths (src/config.ts), so write each *_CONTENT variable to
# its path, drop it from the environment, then run the command (`npm start`).
set -eu
umask 077

write_file() {
  content_var=$1
  path_var=$2
  eval "content=\${$content_var:-}"
  [ -n "$content" ] || return 0
  eval "path=\${$path_var:?$path_var must be set when $content_var is}"
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$content" >"$path"
  unset "$content_var"
}

write_file MAYFLY_POOLS_CONTENT MAYFLY_POOLS_FILE
write_file MAYFLY_IDENTITY_CERT_CONTENT MAYFLY_IDENTITY_CERT_PATH
exec "$@"
