#!/usr/bin/env bash
# Several workers tuning one study in parallel: a server, N worker processes, the result.
#
#   examples/parallel_workers.sh [WORKERS] [TRIALS]      (defaults: 3 workers, 30 trials)
#
# Starts `sibyl serve` on a free port with a SQLite file in a temporary directory, then
# WORKERS processes of examples/worker.py against one study, waits for all of them,
# shows the study with `sibyl study` and stops the server. Set PYTHON to choose the
# interpreter and SIBYL the command (defaults: the checkout's .venv, which `make demo`
# builds, where it exists; else python3 and sibyl on the PATH).
set -euo pipefail

WORKERS="${1:-3}"
TRIALS="${2:-30}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/../.venv/bin"
if [[ -x "$VENV/python" && -x "$VENV/sibyl" ]]; then
  PYTHON="${PYTHON:-$VENV/python}"
  SIBYL="${SIBYL:-$VENV/sibyl}"
fi
PYTHON="${PYTHON:-python3}"
SIBYL="${SIBYL:-sibyl}"
SCRATCH="$(mktemp -d)"
STUDY="svc-digits-$(date +%s)"

"$SIBYL" serve --address 127.0.0.1:0 --port-file "$SCRATCH/port" \
  --store "sqlite:///$SCRATCH/sibyl.db" >"$SCRATCH/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

for _ in $(seq 600); do
  [[ -s "$SCRATCH/port" ]] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$SCRATCH/server.log"; exit 1; }
  sleep 0.1
done
ADDRESS="127.0.0.1:$(cat "$SCRATCH/port")"
echo "server at $ADDRESS; $WORKERS workers on study $STUDY ($TRIALS trials)"

PIDS=()
for i in $(seq "$WORKERS"); do
  "$PYTHON" "$HERE/worker.py" --address "$ADDRESS" --study "$STUDY" \
    --worker-id "worker-$i" --trials "$TRIALS" &
  PIDS+=("$!")
done
STATUS=0
for pid in "${PIDS[@]}"; do
  wait "$pid" || STATUS=1
done

"$SIBYL" --address "$ADDRESS" study "$STUDY"
exit "$STATUS"
