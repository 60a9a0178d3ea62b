#!/usr/bin/env bash
# Consistent logical backup of the Atrium database (one pg_dump snapshot: the audit chain, its anchor in
# tenants.settings and every tenant table are captured at the same instant).
#   scripts/ops/backup.sh postgres://postgres@127.0.0.1:5432/atrium /backups/atrium-$(date +%F).dump
# Connect as the superuser or the schema owner: the application role cannot see other tenants' rows (RLS).
# Roles are cluster-wide and not in the dump; back them up once with `pg_dumpall --roles-only`.
set -euo pipefail
url="${1:?usage: backup.sh <database-url> <output-file>}"
out="${2:?usage: backup.sh <database-url> <output-file>}"
tmp="${out}.partial"
# custom format: compressed, restorable in parallel, selectively; written to a temporary name so a failed
# run never leaves a truncated file that looks like a good backup
pg_dump --dbname="$url" --format=custom --compress=6 --no-password --file="$tmp"
pg_restore --list "$tmp" > /dev/null # the archive's table of contents must read back
mv "$tmp" "$out"
sha256sum "$out" > "${out}.sha256"
echo "backup written: $out ($(du -h "$out" | cut -f1)), checksum in ${out}.sha256"
