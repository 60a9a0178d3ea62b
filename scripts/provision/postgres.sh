#!/usr/bin/env bash
# Ensures PostgreSQL 15 with pgvector on 127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379.
# pgvector has no bookworm .deb: it is built from Debian trixie's source package against the PG15 headers
# (contracts/datalayer.md §0/§1.4). Idempotent; each step is skipped when already satisfied.
set -euo pipefail
PROVISION_STEP=postgres; . "$(dirname "$0")/lib.sh"
PGBIN=/usr/lib/postgresql/15/bin
PSQL=(psql -qAtX -h 127.0.0.1 -p 5432 -U postgres -d postgres)

pg_version_before=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null || true)
apt_install postgresql-15 postgresql-client-15 redis-server

if [ ! -f /usr/share/postgresql/15/extension/vector.control ]; then
  # postgresql-server-dev-15 may upgrade postgresql-15 to the latest point release: restart below handles it.
  apt_install postgresql-server-dev-15 make gcc dpkg-dev
  if [ ! -f /etc/apt/sources.list.d/trixie-src.sources ]; then
    log "adding Debian trixie deb-src (pgvector source package only)"
    cat > /etc/apt/sources.list.d/trixie-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq
  fi
  src=$(mktemp -d); log "building pgvector from trixie source in $src"
  (cd "$src" && apt-get source -qq pgvector > /dev/null 2>&1)
  d=$(ls -d "$src"/pgvector-*/ | head -1)   # not hard-coded: trixie point releases may bump 0.8.0
  make -s -C "$d" -j"$(nproc)" PG_CONFIG=$PGBIN/pg_config > /dev/null
  make -s -C "$d" PG_CONFIG=$PGBIN/pg_config install > /dev/null
  rm -rf "$src"; log "pgvector $(basename "$d") installed"
else
  log "pgvector already installed"
fi

pg_version_after=$(dpkg-query -W -f='${Version}' postgresql-15)
pg_running() { pg_lsclusters -h 2>/dev/null | awk '$1==15 && $2=="main" {print $4}' | grep -q online; }
if pg_running && [ -n "$pg_version_before" ] && [ "$pg_version_before" != "$pg_version_after" ]; then
  log "postgresql-15 upgraded $pg_version_before -> $pg_version_after; restarting"
  pg_ctlcluster --skip-systemctl-redirect 15 main restart
elif ! pg_running; then
  log "starting PostgreSQL 15 main"
  pg_ctlcluster --skip-systemctl-redirect 15 main start
else
  log "PostgreSQL 15 is running"
fi

for _ in $(seq 1 50); do "${PSQL[@]}" -c 'select 1' > /dev/null 2>&1 && break; sleep 0.2; done
"${PSQL[@]}" -c 'select 1' > /dev/null || { log "PostgreSQL does not answer on 127.0.0.1:5432 with trust auth"; exit 1; }

# Test tuning (ALTER SYSTEM + reload, no restart, so other sessions are not dropped):
# - maintenance_work_mem 1GB: HNSW builds spill out of the 64MB default and crawl (datalayer.md §3.3: >180 s vs 50 s).
# - synchronous_commit off: every test file creates and migrates a fresh database; not waiting for the WAL flush
#   on each commit makes that markedly faster, and a crash can only lose the last few commits (no corruption).
tune() {
  local current; current=$("${PSQL[@]}" -c "select setting || coalesce(unit,'') from pg_settings where name='$1'")
  if [ "$current" != "$3" ]; then log "ALTER SYSTEM SET $1 = '$2'"; "${PSQL[@]}" -c "ALTER SYSTEM SET $1 = '$2'"; TUNED=1; fi
}
TUNED=0
tune maintenance_work_mem 1GB 1048576kB
tune synchronous_commit off off
[ "$TUNED" = 1 ] && "${PSQL[@]}" -c 'select pg_reload_conf()' > /dev/null
"${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS vector" > /dev/null 2>&1 || true
log "PostgreSQL $("${PSQL[@]}" -c 'show server_version'), pgvector $("${PSQL[@]}" -c "select extversion from pg_extension where extname='vector'") on 127.0.0.1:5432"

if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  log "Redis is running"
else
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --dir /var/lib/redis --logfile /var/log/atrium-redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { log "Redis did not come up"; exit 1; }
fi
log "Redis $(redis-cli -h 127.0.0.1 -p 6379 info server | awk -F: '/^redis_version/ {print $2}' | tr -d '\r') on 127.0.0.1:6379"
