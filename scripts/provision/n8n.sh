#!/usr/bin/env bash
# Installs the real n8n server (pinned 2.8.4, the newest release whose engines admit Node 20; contracts/n8n.md §1)
# into ${ATRIUM_CACHE}/n8n-2.8.4, outside the npm workspaces: it is 2,090 packages / 2.3 GB and only tests use it.
# Idempotent: skips when node_modules/.bin/n8n exists. Takes 3.5-6 min cold.
set -euo pipefail
N8N_VERSION=${N8N_VERSION:-2.8.4}
ATRIUM_CACHE=${ATRIUM_CACHE:-$HOME/.cache/atrium}
N8N_HOME="$ATRIUM_CACHE/n8n-$N8N_VERSION"
log() { printf '[provision:n8n] %s\n' "$*"; }

if [ -x "$N8N_HOME/node_modules/.bin/n8n" ]; then
  log "n8n $N8N_VERSION already installed in $N8N_HOME"
  exit 0
fi

mkdir -p "$ATRIUM_CACHE"
# Two provisioning runs at once (e.g. two engineers' `npm test`) must not install into the same tree: the second
# waits on the lock, then finds the finished install. The install goes to a staging folder renamed at the end, so
# an interrupted install never looks complete.
exec 9> "$ATRIUM_CACHE/n8n-$N8N_VERSION.lock"
flock 9
if [ -x "$N8N_HOME/node_modules/.bin/n8n" ]; then log "n8n $N8N_VERSION installed by a concurrent run"; exit 0; fi
STAGING="$N8N_HOME.partial"
rm -rf "$STAGING"; mkdir -p "$STAGING"
# n8n-nodes-base pins xlsx to a tarball on cdn.sheetjs.com, which is unreachable here; the override points it at the
# registry's newest release (only the spreadsheet nodes use it). `npm ci` fails on n8n's own lockfile, hence install.
cat > "$STAGING/package.json" <<JSON
{
  "name": "atrium-n8n-runtime",
  "private": true,
  "description": "n8n server used by Atrium's tests (installed by scripts/provision/n8n.sh; not part of the workspaces)",
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
log "installing n8n $N8N_VERSION into $N8N_HOME (3-6 min)"
start=$(date +%s)
(cd "$STAGING" && npm install --no-audit --no-fund --loglevel=error > npm-install.log 2>&1) || {
  log "npm install failed; last lines of $STAGING/npm-install.log:"; tail -20 "$STAGING/npm-install.log"; exit 1; }
test -x "$STAGING/node_modules/.bin/n8n" || { log "install finished but node_modules/.bin/n8n is missing"; exit 1; }
rm -rf "$N8N_HOME"; mv "$STAGING" "$N8N_HOME"
log "installed in $(( $(date +%s) - start ))s"
