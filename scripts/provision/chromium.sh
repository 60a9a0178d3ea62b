#!/usr/bin/env bash
# Debian's chromium for the shell's Playwright e2e (Playwright's own browser download needs hosts we cannot reach).
set -euo pipefail
PROVISION_STEP=chromium; . "$(dirname "$0")/lib.sh"
if command -v chromium > /dev/null; then
  log "chromium already installed: $(chromium --version 2>/dev/null | head -1)"
else
  apt_install chromium
  log "installed $(chromium --version 2>/dev/null | head -1)"
fi
