#!/usr/bin/env bash
# A Docker Compose client to validate docker-compose.yml in tests (parsing needs no engine). The v2 plugin is not
# in Debian bookworm and cannot be downloaded here, so Debian's standalone docker-compose is used when it is missing.
set -euo pipefail
PROVISION_STEP=compose; . "$(dirname "$0")/lib.sh"
if docker compose version > /dev/null 2>&1; then
  log "docker compose plugin present: $(docker compose version 2>/dev/null | head -1)"
elif command -v docker-compose > /dev/null; then
  log "docker-compose present: $(docker-compose version --short 2>/dev/null | head -1)"
else
  apt_install docker-compose
  log "installed docker-compose $(docker-compose version --short 2>/dev/null | head -1)"
fi
