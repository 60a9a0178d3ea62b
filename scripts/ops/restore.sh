#!/usr/bin/env bash
# Restores an Atrium backup into a NEW database and checks it before anyone points Atrium at it.
#   scripts/ops/restore.sh /backups/atrium-2026-11-22.dump postgres://postgres@127.0.0.1:5432 atrium_restored
# Then switch DATABASE_URL / DATABASE_MIGRATION_URL to the new database and restart API and workers (see
# docs/OPERATIONS.md). Refuses an existing database, so a restore can never overwrite live data by accident.
# The roles atrium_app and the schema owner must exist in the target cluster (pg_dumpall --roles-only).
set -euo pipefail
dump="${1:?usage: restore.sh <dump-file> <server-url-without-database> <new-database-name>}"
server="${2:?usage: restore.sh <dump-file> <server-url-without-database> <new-database-name>}"
database="${3:?usage: restore.sh <dump-file> <server-url-without-database> <new-database-name>}"
[[ "$database" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "invalid database name: $database" >&2; exit 2; }
if [[ -f "${dump}.sha256" ]]; then sha256sum --check --status "${dump}.sha256" || { echo "checksum mismatch: $dump" >&2; exit 3; }; fi
server="${server%/}"
exists=$(psql "$server/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'")
if [[ "$exists" == "1" ]]; then echo "database $database already exists; restore into a new name" >&2; exit 4; fi
owner=$(pg_restore --list "$dump" | awk '/ SCHEMA - public / {print $NF; exit}')
psql "$server/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $database${owner:+ OWNER $owner}"
# vector is not a trusted extension: create it as the connecting superuser before the schema arrives
psql "$server/$database" -v ON_ERROR_STOP=1 -qc 'CREATE EXTENSION IF NOT EXISTS vector'
if ! pg_restore --dbname="$server/$database" --exit-on-error --no-password --jobs=2 "$dump"; then
  echo "restore failed; dropping the half-restored database $database" >&2
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $database" || true
  exit 5
fi
psql "$server/$database" -v ON_ERROR_STOP=1 -Atc "ANALYZE" > /dev/null
tenants=$(psql "$server/$database" -Atc 'SELECT count(*) FROM tenants')
audit=$(psql "$server/$database" -Atc 'SELECT count(*) FROM audit_log')
echo "restored $dump into $database: $tenants tenants, $audit audit rows; verify chains with: atrium audit verify"
