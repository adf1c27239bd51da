#!/usr/bin/env bash
# Stops the cluster that start.sh started (by the PIDs it recorded) and removes its folder.
#
# Environment (all optional):
#   FRAMEPIPE_RADOSGW_DIR       the folder start.sh used (default: <repo>/.tmp/radosgw)
#   FRAMEPIPE_RADOSGW_KEEP_DIR  set to 1 to keep the folder (logs) after stopping
# Stopping a cluster that is not running is fine.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
base=${FRAMEPIPE_RADOSGW_DIR:-$repo_root/.tmp/radosgw}

say() { printf '[radosgw] %s\n' "$*"; }

if [ ! -d "$base" ]; then
  say "nothing to stop in $base"
  exit 0
fi

# radosgw first, then the OSD, then the monitor: each still has what it talks to while it exits.
for name in client.rgw.a osd.0 mon.a; do
  pid_file=$base/run/$name.pid
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name ($pid) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
done

if [ "${FRAMEPIPE_RADOSGW_KEEP_DIR:-0}" = 1 ]; then
  say "stopped (kept $base)"
else
  rm -rf "$base"
  say "stopped and removed $base"
fi
