#!/usr/bin/env bash
# Installs the system packages the test suite needs and npm cannot provide: Ceph radosgw, the real
# S3 server the sink-s3 integration tests run against, and ffmpeg (libx264, libvpx), the encoder the
# video sink runs, and Debian's chromium, the browser the preview page's test drives through
# playwright-core (never `playwright install`), and nats-server, the NATS JetStream server the
# sink-nats and source-nats tests run against. Debian/Ubuntu with apt, as root.
# Safe to run repeatedly: it does nothing when all are already installed.
set -euo pipefail
if command -v radosgw >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 && [ -x /usr/bin/chromium ] &&
  command -v nats-server >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != "0" ]; then
  if ! command -v ffmpeg >/dev/null 2>&1; then
    echo "ffmpeg is missing and cannot be installed here (needs apt-get as root)." >&2
    echo "Install it with: apt-get install -y --no-install-recommends ffmpeg (macOS: brew install ffmpeg)" >&2
    echo "Without it the video sink's tests fail." >&2
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "chromium is missing and cannot be installed here (needs apt-get as root)." >&2
    echo "Install it with: apt-get install -y --no-install-recommends chromium" >&2
    echo "Without it the preview page's browser test (packages/cli/test/e2e/preview-browser.test.ts) fails." >&2
  fi
  if ! command -v nats-server >/dev/null 2>&1; then
    echo "nats-server is missing and cannot be installed here (needs apt-get as root)." >&2
    echo "Install it with: apt-get install -y --no-install-recommends nats-server (macOS: brew install nats-server)" >&2
    echo "Without it the sink-nats and source-nats integration tests fail." >&2
  fi
  if command -v radosgw >/dev/null 2>&1; then exit 1; fi
  echo "radosgw (Ceph) is missing and cannot be installed here (needs apt-get as root)." >&2
  echo "Install it with: apt-get install -y --no-install-recommends ceph-mon ceph-osd ceph-mgr radosgw ceph-common" >&2
  echo "Without it only the sink-s3 integration tests fail." >&2
  exit 1
fi
apt-get update -qq
if ! command -v radosgw >/dev/null 2>&1; then
  echo "installing Ceph radosgw for the S3 integration tests (apt-get, about 30 s)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    ceph-mon ceph-osd ceph-mgr radosgw ceph-common >/dev/null
fi
if ! command -v ffmpeg >/dev/null 2>&1; then
  echo "installing ffmpeg for the video sink (apt-get)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium for the preview page's browser test (apt-get, about 10 s)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if ! command -v nats-server >/dev/null 2>&1; then
  echo "installing nats-server for the NATS JetStream tests (apt-get, about 3 s)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server >/dev/null
fi
