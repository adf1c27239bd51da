#!/usr/bin/env bash
# Installs the system packages the test suite needs and npm cannot provide: Ceph radosgw, the real
# S3 server the sink-s3 integration tests run against. Debian/Ubuntu with apt, as root.
# Safe to run repeatedly: it does nothing when radosgw is already installed.
set -euo pipefail
if command -v radosgw >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != "0" ]; then
  echo "radosgw (Ceph) is missing and cannot be installed here (needs apt-get as root)." >&2
  echo "Install it with: apt-get install -y --no-install-recommends ceph-mon ceph-osd ceph-mgr radosgw ceph-common" >&2
  echo "Without it only the sink-s3 integration tests fail." >&2
  exit 1
fi
echo "installing Ceph radosgw for the S3 integration tests (apt-get, about 30 s)…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  ceph-mon ceph-osd ceph-mgr radosgw ceph-common >/dev/null
