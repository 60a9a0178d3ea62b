#!/usr/bin/env bash
# Fetches the Keycloak 26.x server distribution (org.keycloak:keycloak-quarkus-dist tar.gz) from Maven Central
# into ${ATRIUM_CACHE}/keycloak/ and pre-runs `kc.sh build` so test starts can use `start --optimized`.
# Idempotent: skips the download and the build when already done.
# test/support/keycloak.ts picks the same KC_HOME (first candidate version unpacked in the cache).
set -euo pipefail
ATRIUM_CACHE=${ATRIUM_CACHE:-$HOME/.cache/atrium}
KC_CACHE="$ATRIUM_CACHE/keycloak"
# Newest first: 26.8.0 (the contract's pin) and 26.7.5 were not on Central on 2026-11-22; 26.7.3 (newest listed in
# maven-metadata.xml then) and 26.4.7 are. Listing future releases first upgrades automatically when they appear.
CANDIDATES=${KC_VERSION:-"26.8.0 26.7.5 26.7.3 26.4.7"}
log() { printf '[provision:keycloak] %s\n' "$*"; }
mkdir -p "$KC_CACHE"

# First candidate that is unpacked or downloadable wins. A version Central does not have is remembered in
# `missing-<v>` so later runs stay fast (delete those files to retry, e.g. once 26.8.0 is published).
for v in $CANDIDATES; do
  if [ -x "$KC_CACHE/keycloak-$v/bin/kc.sh" ]; then
    log "Keycloak $v already unpacked in $KC_CACHE/keycloak-$v"; KC_HOME="$KC_CACHE/keycloak-$v"; break
  fi
  [ -f "$KC_CACHE/missing-$v" ] && continue
  log "downloading org.keycloak:keycloak-quarkus-dist:$v:tar.gz from Maven Central"
  if mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
       -Dartifact="org.keycloak:keycloak-quarkus-dist:$v:tar.gz" -DoutputDirectory="$KC_CACHE" > "$KC_CACHE/mvn-$v.log" 2>&1; then
    tar -xzf "$KC_CACHE/keycloak-quarkus-dist-$v.tar.gz" -C "$KC_CACHE"   # tar keeps +x on bin/*.sh
    rm -f "$KC_CACHE/keycloak-quarkus-dist-$v.tar.gz"
    KC_HOME="$KC_CACHE/keycloak-$v"; log "unpacked Keycloak $v"; break
  fi
  if grep -q 'Could not find artifact' "$KC_CACHE/mvn-$v.log"; then
    log "Keycloak $v is not on Maven Central; remembering that in $KC_CACHE/missing-$v"; touch "$KC_CACHE/missing-$v"
  else
    log "download of Keycloak $v failed (network?); see $KC_CACHE/mvn-$v.log"
  fi
done
[ -n "${KC_HOME:-}" ] || { log "no candidate version could be fetched: $CANDIDATES"; exit 1; }

# Build-time options are baked into lib/quarkus once, so test starts use `kc.sh start --optimized` and skip the
# Quarkus augmentation (~30-60 s on 2 cores) and never write into the shared KC_HOME. Must match what
# test/support/keycloak.ts expects: in-memory H2 (fresh realm per run), health endpoints, local caches (no JGroups
# cluster ports, so parallel instances cannot discover each other).
BUILD_OPTS="--db=dev-mem --health-enabled=true --cache=local"
if [ "$(cat "$KC_HOME/.atrium-build-opts" 2>/dev/null)" != "$BUILD_OPTS" ]; then
  log "pre-building Keycloak (kc.sh build $BUILD_OPTS)"
  start=$(date +%s)
  # shellcheck disable=SC2086
  "$KC_HOME/bin/kc.sh" build $BUILD_OPTS > "$KC_HOME/build.log" 2>&1 \
    || { log "kc.sh build failed:"; tail -20 "$KC_HOME/build.log"; exit 1; }
  echo "$BUILD_OPTS" > "$KC_HOME/.atrium-build-opts"; rm -f "$KC_HOME/.atrium-built"
  log "built in $(( $(date +%s) - start ))s"
fi
log "ready: $KC_HOME"
