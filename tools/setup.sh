#!/usr/bin/env bash
# Installs what losslab needs, into the project where it can, and checks the rest.
# Usage: tools/setup.sh [--jupyter] [--browser]
#   (always)   Deno, pinned, from the npm package `deno`, into .tools/
#   --jupyter  Jupyter's nbconvert, nbclient and classic Notebook from Debian's packages, and the
#              project's Deno kernelspec in .jupyter/ (used through JUPYTER_PATH, so a Deno kernel the
#              user already has is left alone)
#   --browser  Debian's Chromium, for the browser test
# Re-running is cheap: every step first checks whether it is already done.
set -euo pipefail

DENO_VERSION=2.9.6
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
deno_bin="$tools/node_modules/deno/deno"

want_jupyter=0
want_browser=0
for arg in "$@"; do
  case "$arg" in
    --jupyter) want_jupyter=1 ;;
    --browser) want_jupyter=1; want_browser=1 ;;
    *) echo "setup: unknown option '$arg' (expected --jupyter or --browser)" >&2; exit 2 ;;
  esac
done

# Deno trusts only its built-in Mozilla roots by default; a machine whose registry traffic passes a
# TLS proxy trusts that proxy's CA in the system store, so use both.
export DENO_TLS_CA_STORE="${DENO_TLS_CA_STORE:-system,mozilla}"

say() { echo "setup: $*" >&2; }
die() { echo "setup: $*" >&2; exit 1; }

ensure_deno() {
  if [ -x "$deno_bin" ] && "$deno_bin" --version 2>/dev/null | head -n1 | grep -q "^deno $DENO_VERSION "; then
    return
  fi
  command -v npm >/dev/null 2>&1 ||
    die "npm is missing. Install Node.js 20 with npm (Debian: apt-get install nodejs npm), then rerun."
  say "installing deno $DENO_VERSION from npm into .tools/ ..."
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --no-save --loglevel=error "deno@$DENO_VERSION" >&2)
  [ -x "$deno_bin" ] || die "npm installed deno@$DENO_VERSION but $deno_bin is missing"
  mkdir -p "$tools/bin"
  ln -sf "$deno_bin" "$tools/bin/deno"
}

# The npm packages of deno.json's import map, into node_modules/ (the data sets are read from there).
ensure_npm_packages() {
  local stamp="$tools/npm-packages.stamp" want
  want=$(cat "$root/deno.json" "$root/deno.lock" 2>/dev/null | sha1sum)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$root/node_modules/vega-datasets/data" ]; then
    return
  fi
  say "installing the npm packages of deno.json into node_modules/ ..."
  (cd "$root" && NO_COLOR=1 "$deno_bin" install --quiet >&2)
  cat "$root/deno.json" "$root/deno.lock" 2>/dev/null | sha1sum >"$stamp"
}

# Debian's python3, not whatever python3 comes first on PATH: the packages below install there.
py=/usr/bin/python3

apt_install() {
  local pkgs=("$@")
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing: ${pkgs[*]}. Install them as root on Debian/Ubuntu with
    apt-get update && apt-get install -y ${pkgs[*]}
  (elsewhere: Jupyter's nbconvert, nbclient and notebook, and Chromium for the browser test), then rerun."
  fi
  say "installing ${pkgs[*]} with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet; an install that fails for stale lists retries once after an update.
  if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
    apt-get update -qq >&2
  fi
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2 ||
    { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2; }
}

ensure_jupyter() {
  if [ -x "$py" ] && "$py" -c "import nbclient, nbconvert, nbformat, notebook" 2>/dev/null &&
    command -v jupyter-notebook >/dev/null 2>&1; then
    return
  fi
  apt_install jupyter-nbconvert python3-nbclient jupyter-notebook python3-ipykernel
}

ensure_kernelspec() {
  local dir="$root/.jupyter/kernels/deno"
  local spec
  spec=$(printf '{\n  "argv": ["%s", "jupyter", "--quiet", "--kernel", "--conn", "{connection_file}"],\n  "display_name": "Deno",\n  "language": "typescript",\n  "env": {"NO_COLOR": "1"}\n}\n' "$deno_bin")
  if [ -f "$dir/kernel.json" ] && [ "$(cat "$dir/kernel.json")" = "$spec" ]; then
    return
  fi
  mkdir -p "$dir"
  printf '%s\n' "$spec" >"$dir/kernel.json"
}

# Debian's Chromium (the browser test drives /usr/bin/chromium through playwright-core, which is an npm
# package of deno.json) and DejaVu fonts, so chart text in the screenshots has real glyphs.
ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  [ -d "$root/node_modules/playwright-core" ] ||
    die "node_modules/playwright-core is missing; run \`deno install\` in $root"
  # A Chromium that is installed but cannot start (missing libraries) fails here, not mid-test.
  # Once per Chromium version: the stamp holds the version that last passed.
  local stamp="$tools/chromium-ok.stamp" version profile ok=0
  version=$(/usr/bin/chromium --version 2>/dev/null || true)
  if [ -n "$version" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
    return
  fi
  profile=$(mktemp -d)
  timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --dump-dom about:blank 2>/dev/null | grep -q "<body" && ok=1
  rm -rf "$profile"
  [ "$ok" = 1 ] ||
    die "/usr/bin/chromium is installed but cannot open a page headless; try: apt-get install --reinstall chromium"
  printf '%s\n' "$version" >"$stamp"
}

ensure_deno
ensure_npm_packages
if [ "$want_jupyter" = 1 ]; then
  ensure_jupyter
  ensure_kernelspec
fi
if [ "$want_browser" = 1 ]; then
  ensure_browser
fi
