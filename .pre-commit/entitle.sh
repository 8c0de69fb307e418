#!/usr/bin/env bash
# The pre-commit hook's entry (`.pre-commit-hooks.yaml`): runs `entitle ARGS...`.
# entitle is built once per hook revision from this checkout (pre-commit keeps one
# clone per rev) into .pre-commit/install and reused afterwards. ENTITLE_BIN names an
# entitle binary to use instead (an installed release, or the test suite's own build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${ENTITLE_BIN:-}"
if [ -z "$bin" ]; then
  bin="$here/install/bin/entitle"
  if [ ! -x "$bin" ]; then
    echo "entitle: building entitle for this hook revision once (a few minutes)..." >&2
    cargo install --quiet --locked --path "$here/../host" --root "$here/install" >&2
  fi
fi
exec "$bin" "$@"
