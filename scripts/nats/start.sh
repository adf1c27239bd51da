#!/usr/bin/env bash
# Starts a single nats-server with JetStream (file storage) on 127.0.0.1, for integration tests and
# local scale-out runs. Everything (config, JetStream store, log, state) lives under one folder.
# Installs the Debian package nats-server with apt when it is missing and we are root.
#
# Environment (all optional):
#   FRAMEPIPE_NATS_DIR          folder for config, store, log, state (default: <repo>/.tmp/nats)
#   FRAMEPIPE_NATS_PORT         client port (default: a free port picked at start)
#   FRAMEPIPE_NATS_MAX_PAYLOAD  largest message the server accepts (default 8MB: 1280x720 PNG
#                               frames exceed the server's own 1 MiB default)
#   FRAMEPIPE_NATS_TIMEOUT      seconds to wait for the server to answer (default 20)
#
# On success it writes <dir>/env (FRAMEPIPE_NATS_URL, FRAMEPIPE_NATS_PORT, FRAMEPIPE_NATS_PID,
# FRAMEPIPE_NATS_DIR) and prints its path as the last line. Running it again while the server
# answers rewrites nothing and exits 0 ("already running"). The store survives stop.sh with
# FRAMEPIPE_NATS_KEEP_DIR=1, so a restart on the same folder and port keeps streams and consumers.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
base=${FRAMEPIPE_NATS_DIR:-$repo_root/.tmp/nats}
max_payload=${FRAMEPIPE_NATS_MAX_PAYLOAD:-8MB}
timeout=${FRAMEPIPE_NATS_TIMEOUT:-20}

say() { printf '[nats] %s\n' "$*"; }
fail() {
  printf '[nats] error: %s\n' "$*" >&2
  exit 1
}

if ! command -v nats-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing nats-server (apt-get, about 3 s)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server >/dev/null; } ||
      fail "apt-get install nats-server failed"
  else
    fail "'nats-server' is not installed. Install it with:
  apt-get install -y --no-install-recommends nats-server   (macOS: brew install nats-server)"
  fi
fi
for tool in flock timeout; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed"
done

mkdir -p "$base"
base=$(cd "$base" && pwd)
state=$base/env
conf=$base/nats.conf

# True when something speaks NATS on the port: a NATS server greets every client with "INFO {...}".
answers() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && read -r line <&3 && [[ $line == INFO* ]]' "$1" 2>/dev/null
}
# A port nothing listens on, from the kernel's ephemeral range (bind to 0 and read it back).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null ||
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}
state_value() { sed -n "s/^$1=//p" "$state" 2>/dev/null | head -n 1; }

# Serialises concurrent starts (several test processes at once); the server starts with fd 9 closed.
exec 9>"$base/.lock"
flock -w "$((timeout * 3))" 9 || fail "another start.sh holds $base/.lock"

explicit_port=${FRAMEPIPE_NATS_PORT:-}
port=$explicit_port
if [ -f "$state" ]; then
  pid=$(state_value FRAMEPIPE_NATS_PID)
  previous_port=$(state_value FRAMEPIPE_NATS_PORT)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && answers "$previous_port"; then
    say "already running at nats://127.0.0.1:$previous_port"
    echo "$state"
    exit 0
  fi
  # A previous server that was stopped with its folder kept, or died: reuse its port, so clients
  # configured with it reconnect to the restarted server.
  [ -n "$port" ] || port=$previous_port
  rm -f "$state"
fi

if [ -n "$port" ] && answers "$port"; then
  [ -z "$explicit_port" ] || fail "port $port already answers NATS, but not from a server in $base; set FRAMEPIPE_NATS_PORT"
  port=""
fi
[ -n "$port" ] || port=$(free_port)
[ -n "$port" ] || fail "could not find a free port"

mkdir -p "$base/jetstream"
cat >"$conf" <<CONF
# Written by scripts/nats/start.sh
listen: 127.0.0.1:$port
server_name: framepipe_test
max_payload: $max_payload
# A publisher whose client buffers a few large frames stays connected.
max_pending: 64MB
jetstream {
  store_dir: "$base/jetstream"
  max_memory_store: 256MB
  max_file_store: 4GB
}
CONF

say "starting nats-server on 127.0.0.1:$port (JetStream in $base/jetstream)"
nats-server -c "$conf" 9>&- >>"$base/nats.log" 2>&1 &
pid=$!
disown "$pid" 2>/dev/null || true

deadline=$((SECONDS + timeout))
until answers "$port"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    fail "nats-server exited at start; its log ($base/nats.log) ends with:
$(tail -n 15 "$base/nats.log")"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    fail "nats-server did not answer within ${timeout}s; see $base/nats.log"
  fi
  sleep 0.1
done

cat >"$state" <<STATE
FRAMEPIPE_NATS_URL=nats://127.0.0.1:$port
FRAMEPIPE_NATS_PORT=$port
FRAMEPIPE_NATS_PID=$pid
FRAMEPIPE_NATS_DIR=$base
STATE
say "ready at nats://127.0.0.1:$port (pid $pid, state in $state)"
echo "$state"
