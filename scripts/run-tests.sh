#!/usr/bin/env bash
# The suite as two pytest processes at once: the end-to-end and reliability group (real bot
# processes, mostly waiting on sockets and clocks) beside everything else (CPU-bound), so a
# 2-core machine finishes in about the time of the longer group instead of the sum. The rest
# streams as it runs; the end-to-end output follows it. With arguments: one plain pytest run.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=${PYTEST:-.venv/bin/pytest}
if [ $# -gt 0 ]; then
  exec "$PYTEST" "$@"
fi
e2e_log=$(mktemp)
trap 'rm -f "$e2e_log"' EXIT
"$PYTEST" -rfEs --durations=15 tests/e2e tests/reliability >"$e2e_log" 2>&1 &
e2e=$!
echo "== unit, storage and handler tests (end-to-end tests run beside them)"
"$PYTEST" -rfEs --durations=15 --ignore=tests/e2e --ignore=tests/reliability
rest=$?
wait "$e2e"
end_to_end=$?
echo "== end-to-end and reliability tests"
cat "$e2e_log"
[ "$rest" -eq 0 ] && [ "$end_to_end" -eq 0 ]
