#!/usr/bin/env bash
# Install what the tests need (Python packages; Debian's Chromium for the browser tests and the axe-core
# they inject, pinned in package-lock.json; Debian's PostgreSQL and nginx, which the store and deployment
# tests start on free loopback ports; sqlite3, openssl and systemd-analyze, which the deployment guide's
# checks run), then lint, check the format and the types, and run the whole
# suite. pytest exits non-zero when a test fails or when no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftoppm ] || [ ! -x /usr/lib/postgresql/15/bin/initdb ] \
  || [ ! -x /usr/sbin/nginx ] || ! command -v sqlite3 >/dev/null || ! command -v openssl >/dev/null \
  || ! command -v systemd-analyze >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium poppler-utils postgresql nginx sqlite3 openssl systemd >/dev/null
fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error   # axe-core, exactly as package-lock.json pins it (node_modules/)
python -m pip install -q -r requirements-dev.txt
python -m ruff check --quiet .            # lint (rules in pyproject.toml) before the tests
python -m ruff format --check --quiet .   # the whole tree stays as `ruff format` writes it
python -m mypy                            # the types (settings and files in pyproject.toml)
python -m pytest -q "$@"
