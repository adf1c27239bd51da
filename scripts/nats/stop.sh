#!/usr/bin/env bash
# Stops the nats-server that start.sh started (by the PID in its state file) and removes its folder.
#
# Environment (all optional):
#   FRAMEPIPE_NATS_DIR       the folder start.sh used (default: <repo>/.tmp/nats)
#   FRAMEPIPE_NATS_KEEP_DIR  set to 1 to keep the folder: the JetStream store (streams, durable
#                            consumers), the config and the log, so start.sh resumes on them
# Stopping a server that is not running is fine.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
base=${FRAMEPIPE_NATS_DIR:-$repo_root/.tmp/nats}
state=$base/env

say() { printf '[nats] %s\n' "$*"; }

if [ ! -d "$base" ]; then
  say "nothing to stop in $base"
  exit 0
fi

pid=$(sed -n 's/^FRAMEPIPE_NATS_PID=//p' "$state" 2>/dev/null | head -n 1 || true)
# Only a process that is nats-server: a PID reused by something else since is left alone.
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q nats-server "/proc/$pid/cmdline" 2>/dev/null; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "nats-server ($pid) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
if [ "${FRAMEPIPE_NATS_KEEP_DIR:-0}" = 1 ]; then
  # Forget the PID but keep the port, so start.sh restarts the server where clients expect it.
  [ ! -f "$state" ] || sed -i '/^FRAMEPIPE_NATS_PID=/d' "$state"
  say "stopped (kept $base)"
else
  rm -rf "$base"
  say "stopped and removed $base"
fi
