#!/usr/bin/env bash
# The whole test suite, on a fresh machine of this project's kind: provisions what is missing
# (PostgreSQL 15 + pgvector built from Debian's source package, Redis, Keycloak from Maven Central,
# n8n from npm, Chromium), installs npm dependencies, then runs lint, format check, typecheck,
# every test on the real services, and the shell's browser e2e. Idempotent: a second run skips installs.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

# Keycloak and n8n are shared by concurrent test runs on a machine; in this one-shot run they stop as soon as
# the last step using them releases them, so nothing of ours outlives the command.
export ATRIUM_TEST_SERVICES_IDLE_SECONDS=${ATRIUM_TEST_SERVICES_IDLE_SECONDS:-0}

step "provisioning services and tools (scripts/provision/all.sh)"
bash scripts/provision/all.sh

step "npm dependencies"
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "node_modules is up to date with package-lock.json"
else
  npm ci --no-audit --no-fund
fi

step "lint (typescript-eslint, file-length rule) and format check"
npm run --silent lint
npm run --silent format:check

step "typecheck"
npm run --silent typecheck

step "tests on real PostgreSQL + pgvector, Redis, Keycloak and n8n (and PGlite for the embedded path)"
# CI shows only the tail of this output: on failure, the failing tests and unhandled errors are repeated last.
mkdir -p test-artifacts
set +e
npx vitest run 2>&1 | tee test-artifacts/vitest.log
vitest_status=${PIPESTATUS[0]}
set -e
if [ "$vitest_status" -ne 0 ]; then
  step "vitest failed (exit $vitest_status): failures and unhandled errors, repeated from test-artifacts/vitest.log"
  sed 's/\x1b\[[0-9;]*m//g' test-artifacts/vitest.log | grep -E -A30 '(FAIL |Unhandled (Error|Rejection)|⎯ Failed Tests)' | head -200
  exit "$vitest_status"
fi

if npm run | grep -q 'test:shell'; then
  step "shell end-to-end in headless Chromium"
  npm run --silent test:shell
fi

step "done in $(( $(date +%s) - started ))s"
