#!/usr/bin/env bash
# Starts a single-node Ceph cluster (one monitor, one OSD on memstore) with radosgw serving S3 on
# 127.0.0.1, for integration tests. Everything lives under one folder; nothing is installed here.
#
# Environment (all optional):
#   FRAMEPIPE_RADOSGW_DIR      folder for config, data, logs, PIDs (default: <repo>/.tmp/radosgw)
#   FRAMEPIPE_RADOSGW_PORT     S3 port (default 7480)
#   FRAMEPIPE_RADOSGW_MON_PORT monitor port, msgr v1 (default 6789; v2 uses port + 1)
#   FRAMEPIPE_RADOSGW_TIMEOUT  seconds to wait for each daemon (default 60)
#
# On success it writes <dir>/env (endpoint, region, keys, bucket-free) and prints its path.
# Running it again while the cluster answers only rewrites nothing and exits 0.
# Requires the Debian packages: ceph-mon ceph-osd ceph-mgr radosgw ceph-common.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
base=${FRAMEPIPE_RADOSGW_DIR:-$repo_root/.tmp/radosgw}
port=${FRAMEPIPE_RADOSGW_PORT:-7480}
mon_port=${FRAMEPIPE_RADOSGW_MON_PORT:-6789}
timeout=${FRAMEPIPE_RADOSGW_TIMEOUT:-60}
endpoint="http://127.0.0.1:$port"
# Fixed test credentials: this server only ever listens on 127.0.0.1.
access_key=FRAMEPIPE0TEST0ACCESS
secret_key=framepipe-test-secret-key-0000000000000000
user_id=framepipe

say() { printf '[radosgw] %s\n' "$*"; }
fail() {
  printf '[radosgw] error: %s\n' "$*" >&2
  exit 1
}

for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool ceph-authtool flock timeout; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "'$tool' is not installed. Install Ceph with:
  apt-get update && apt-get install -y --no-install-recommends ceph-mon ceph-osd ceph-mgr radosgw ceph-common"
  fi
done

mkdir -p "$base"
base=$(cd "$base" && pwd)
conf=$base/ceph.conf
env_file=$base/env

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# True when something answers HTTP on the S3 port (no curl needed: bash's /dev/tcp).
answers() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && read -r line <&3 && [[ $line == HTTP/* ]]' "$port" 2>/dev/null
}

write_env() {
  cat >"$env_file" <<EOF
FRAMEPIPE_S3_ENDPOINT=$endpoint
FRAMEPIPE_S3_REGION=us-east-1
FRAMEPIPE_S3_ACCESS_KEY_ID=$access_key
FRAMEPIPE_S3_SECRET_ACCESS_KEY=$secret_key
FRAMEPIPE_RADOSGW_DIR=$base
EOF
}

# Serialises concurrent starts (several test processes at once): the second one waits, then finds
# the cluster running. Daemons start with fd 9 closed, so they never keep the lock.
exec 9>"$base/.lock"
flock -w "$((timeout * 3))" 9 || fail "another start.sh holds $base/.lock"

if alive "$base/run/mon.a.pid" && alive "$base/run/osd.0.pid" && alive "$base/run/client.rgw.a.pid" && answers; then
  write_env
  say "already running at $endpoint"
  echo "$env_file"
  exit 0
fi

# A half-started or crashed cluster: stop what is left and start afresh.
if [ -d "$base/run" ]; then
  say "cleaning up a previous cluster in $base"
  FRAMEPIPE_RADOSGW_KEEP_DIR=1 "$script_dir/stop.sh" >/dev/null
fi
rm -rf "$base/run" "$base/log" "$base/mon" "$base/osd" "$base/rgw" "$conf" "$env_file" "$base/monmap" "$base/keyring"
mkdir -p "$base/run" "$base/log" "$base/mon" "$base/osd" "$base/rgw"

if answers; then
  fail "port $port already answers HTTP, but not from a cluster in $base; set FRAMEPIPE_RADOSGW_PORT"
fi

fsid=$(cat /proc/sys/kernel/random/uuid)
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$((mon_port + 1)),v1:127.0.0.1:$mon_port]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
# With auth none there is no session key, so daemons that default to "secure" mode towards the
# monitor (radosgw) could never connect: allow crc.
ms mon client mode = crc secure
ms client mode = crc secure
keyring = $base/keyring
run dir = $base/run
admin socket = $base/run/\$name.asok
pid file = $base/run/\$name.pid
log file = $base/log/\$name.log
mon cluster log file = $base/log/cluster.log
crash dir = $base/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
debug ms = 0

[mon]
mon data = $base/mon/\$cluster-\$id

[osd]
osd data = $base/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 2147483648
osd crush update on start = false

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $base/rgw
rgw dns name = 127.0.0.1
rgw enable usage log = false
EOF

wait_for() {
  local what=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "$what did not come up within ${timeout}s; logs are in $base/log"
    fi
    sleep 0.5
  done
}

say "monitor"
ceph-authtool --create-keyring "$base/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$((mon_port + 1)),v1:127.0.0.1:$mon_port]" "$base/monmap" >/dev/null
ceph-mon -c "$conf" -i a --mkfs --monmap "$base/monmap" --keyring "$base/keyring" >/dev/null
ceph-mon -c "$conf" -i a 9>&- 2>>"$base/log/mon.a.stderr"
wait_for "the monitor" ceph -c "$conf" --connect-timeout 5 mon stat

say "osd (memstore)"
osd_id=$(ceph -c "$conf" osd create)
[ "$osd_id" = 0 ] || fail "expected osd id 0, got '$osd_id'"
mkdir -p "$base/osd/ceph-0"
ceph-osd -c "$conf" -i 0 --mkfs >/dev/null 2>&1 || fail "ceph-osd --mkfs failed; see $base/log/osd.0.log"
ceph -c "$conf" osd crush add osd.0 1.0 root=default >/dev/null 2>&1
ceph-osd -c "$conf" -i 0 9>&- 2>>"$base/log/osd.0.stderr"
osd_up() { ceph -c "$conf" osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
wait_for "the OSD" osd_up

say "radosgw on $endpoint"
radosgw -c "$conf" -n client.rgw.a 9>&- 2>>"$base/log/client.rgw.a.stderr" || fail "radosgw did not start; see $base/log/client.rgw.a.log"
wait_for "radosgw" answers

radosgw-admin -c "$conf" user create --uid="$user_id" --display-name="framepipe tests" \
  --access-key="$access_key" --secret="$secret_key" >/dev/null 2>&1 ||
  fail "radosgw-admin user create failed"

write_env
say "ready at $endpoint (credentials in $env_file)"
echo "$env_file"
