#!/usr/bin/env bash
# Prepares this checkout: a virtual environment with the locked Python packages (.venv), and, for the
# tests and the offline editions, Debian packages and the npm assets.
#   scripts/bootstrap.sh python   only the virtual environment (enough to build and serve the site)
#   scripts/bootstrap.sh all      everything the tests need
# Later runs reuse what is there: the venv is reinstalled only when requirements.lock changes.
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-all}
PY=${PYTHON:-python3}

# Debian packages: Chromium for the browser tests, Pango for WeasyPrint, fonts (Latin and CJK) for the PDF,
# poppler-utils to turn PDF pages into images, epubcheck for the EPUB.
DEBIAN_PACKAGES="chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra fonts-noto-cjk poppler-utils epubcheck"

python_env() {
  local stamp=.venv/.requirements.lock.sha256
  local want_sum
  want_sum=$(sha256sum requirements.lock | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv"
    "$PY" -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want_sum" ]; then
    echo "bootstrap: installing the locked Python packages into .venv (first run takes about a minute)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
    echo "$want_sum" > "$stamp"
  fi
}

debian_packages() {
  local missing=()
  for pkg in $DEBIAN_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

npm_assets() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    command -v npm >/dev/null || { echo "bootstrap: npm is missing; run: sudo apt-get install -y nodejs npm" >&2; exit 1; }
    echo "bootstrap: installing npm assets (axe-core, iframe-worker)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

case "$want" in
  python) python_env ;;
  all) debian_packages; python_env; npm_assets ;;
  *) echo "usage: scripts/bootstrap.sh [python|all]" >&2; exit 2 ;;
esac
