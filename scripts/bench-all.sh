#!/usr/bin/env bash
# `npm run bench`: every benchmark in turn; each rewrites its own section of BENCHMARKS.md.
# Needs the services `npm test` provisions (PostgreSQL + pgvector, Redis). BENCH_ONLY="startup chat" limits the set.
set -euo pipefail
cd "$(dirname "$0")/.."
for name in ${BENCH_ONLY:-startup retrieval safety chat chatwoot load}; do
  if [ -f "bench/$name.bench.ts" ]; then
    echo "==> npm run bench:$name"
    npm run --silent "bench:$name"
  else
    echo "==> bench:$name has no bench/$name.bench.ts yet; skipped"
  fi
done
