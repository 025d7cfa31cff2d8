#!/usr/bin/env bash
# Opens the notebooks in Jupyter Notebook with the project's Deno kernel (.jupyter/ on JUPYTER_PATH).
# Extra arguments go to `jupyter notebook`, e.g. --port 8890 or --no-browser.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JUPYTER_PATH="$root/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export NO_COLOR=1
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
exec jupyter notebook --notebook-dir="$root/notebooks" "${extra[@]}" "$@"
