#!/usr/bin/env bash
# Install casefile into .venv (and, with --dev, what the test suite needs: fonts, dev packages).
# Idempotent: a second run on a set-up machine only checks and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# CJK fonts: exported forms and searchable PDFs embed a Ming face; the tests also render
# dossiers in a Kai and a Hei face.
apt_install fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
if ((DEV)); then
  # poppler-utils lets tests look at PDFs as a person would; the web tests drive Debian's
  # Chromium through Playwright (no browser download)
  apt_install poppler-utils chromium
fi

if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi

extra=""
((DEV)) && extra="[dev]"
stamp=".venv/.casefile-installed${extra:+-dev}"
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  echo "setup: installing casefile${extra} into .venv"
  .venv/bin/pip install -q -e ".${extra}"
  touch "$stamp"
fi
