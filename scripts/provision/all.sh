#!/usr/bin/env bash
# Provisions everything the test suite needs on a fresh machine of this kind, idempotently:
# PostgreSQL 15 + pgvector + Redis, Keycloak (Maven Central), n8n (npm), Chromium (apt).
# n8n's install is by far the slowest (3-6 min cold), so it starts first in the background.
# Env: ATRIUM_CACHE (default ~/.cache/atrium), ATRIUM_SKIP_PROVISION="n8n chromium" to skip steps.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PROVISION_STEP=all; . "$here/lib.sh"
export ATRIUM_CACHE=${ATRIUM_CACHE:-$HOME/.cache/atrium}
export ATRIUM_APT_STAMP; ATRIUM_APT_STAMP=$(mktemp -u /tmp/atrium-apt-updated.XXXXXX)
mkdir -p "$ATRIUM_CACHE"
skip() { [[ " ${ATRIUM_SKIP_PROVISION:-} " == *" $1 "* ]]; }
t0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }

n8n_pid=
if ! skip n8n; then
  n8n_log=$(mktemp /tmp/atrium-provision-n8n.XXXXXX.log)
  n8n_t=$(date +%s.%N); bash "$here/n8n.sh" > "$n8n_log" 2>&1 & n8n_pid=$!
fi

step() {
  local name=$1 t; t=$(date +%s.%N)
  if skip "$name"; then log "skipping $name (ATRIUM_SKIP_PROVISION)"; return; fi
  bash "$here/$name.sh"
  log "$name done in $(since "$t")"
}
step postgres
step keycloak
step chromium
step compose

if [ -n "$n8n_pid" ]; then
  log "waiting for the n8n install (pid $n8n_pid)"
  if wait "$n8n_pid"; then cat "$n8n_log"; log "n8n done in $(since "$n8n_t")"
  else cat "$n8n_log"; rm -f "$n8n_log" "$ATRIUM_APT_STAMP"; log "n8n provisioning failed"; exit 1; fi
  rm -f "$n8n_log"
fi
rm -f "$ATRIUM_APT_STAMP"
log "all provisioned in $(since "$t0")"
