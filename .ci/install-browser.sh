#!/usr/bin/env bash
# Install Debian's Chromium (and a font) for the real-browser test, tests/test_browser.py.
# Never uses `playwright install`: Playwright's Python package drives /usr/bin/chromium.
# Exit 0 when /usr/bin/chromium exists afterwards; non-zero when it cannot be installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM already present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do."
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: $CHROMIUM is missing and this script is not running as root." >&2
    echo "install-browser: run it as root (or: sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core)." >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: $CHROMIUM is missing and apt-get is not available (not a Debian/Ubuntu system)." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-browser: apt-get update (a fresh machine's package lists can be empty)"
apt-get update
echo "install-browser: apt-get install chromium fonts-dejavu-core (fonts make screenshots readable)"
apt-get install -y --no-install-recommends chromium fonts-dejavu-core

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: apt-get finished but $CHROMIUM does not exist." >&2
    exit 1
fi
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
