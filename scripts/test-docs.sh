#!/usr/bin/env bash
# The documented commands, run as a new user would run them (scripts/test.sh calls this as `docs`).
#
# On a scratch copy of the repository (the files git tracks or would track, as a clean clone has
# them), this runs every install and build command README.md and the binding READMEs show, each
# checked to appear in its README word for word, then the README's quick-start snippets:
#   * Node: `npm ci`, `npm run build:debug` and `npm run build` (each must give a package whose
#     `Machine` works), `npm pack`, and the tarball installed into an empty project, where the
#     README's Node snippet runs from `require` and, rewritten as an import, from `import`, and
#     type-checks under `tsc --strict`;
#   * Python: `pip install ./bindings/python` into a fresh venv, the README's Python snippet run from
#     another directory, `pip install "./bindings/python[spark]"` and `ferruler.spark` run on a
#     local Spark (Java comes from the `spark` part of scripts/test.sh, which runs before this
#     one), then `maturin sdist` and the sdist installed into another fresh venv;
#   * the CLI: `cargo install --locked --path bindings/cli` into a temporary root, and the README's
#     first command run with it;
#   * Rust: the README's Rust snippet, a doc-test of the tests crate (tests/src/lib.rs);
# and, with the packages and the CLI so installed, that both bindings' `explain` text is the CLI's
# on the conformance corpus (scripts/explain_agreement.py).
# The snippets are taken from README.md itself (scripts/readme_snippet.py), so an edit that breaks
# one, or changes what it prints, fails here.
#
# The scratch copy lives at a fixed place (in $TMPDIR, or $FERRULER_DOCS_SCRATCH) and keeps its
# build directories between runs, so only the first run compiles everything (about as long as the
# python and node parts together); later ones rebuild what changed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the repository, where cargo would take the copy for a member of the real workspace; one
# per repository path, so that checkouts side by side do not share one.
scratch="${FERRULER_DOCS_SCRATCH:-${TMPDIR:-/tmp}/ferruler-docs-$(id -u)-$(printf %s "$repo" | cksum | cut -d' ' -f1)}"
copy="$scratch/repo"
snippet="$repo/scripts/readme_snippet.py"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# Fails unless `file` (relative to the repository) shows `command` word for word.
documented() {
  local file="$1" command="$2"
  grep -qF -- "$command" "$repo/$file" || {
    echo "test-docs: $file no longer shows \`$command\`; update scripts/test-docs.sh with it" >&2
    exit 1
  }
}

echo "test-docs: copying the repository to $copy"
mkdir -p "$copy"
# Files left from an earlier copy go (build directories stay); tar keeps modification times, so
# cargo sees unchanged sources as unchanged.
find "$copy" \( -name target -o -name node_modules \) -prune -o -type f -print0 | xargs -0 rm -f
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 ls -d 2>/dev/null |
  tar -cf - -T -) | tar -xf - -C "$copy"

echo "== docs: Node package (bindings/node/README.md, README.md)"
documented bindings/node/README.md "npm ci"
documented bindings/node/README.md "npm run build:debug"
documented README.md "cd bindings/node && npm ci && npm run build"
works='const { Machine } = require("./"); const m = new Machine(); m.addRule("r", {a: [1]});
       if (m.matchesForEvent({a: 1})[0] !== "r") throw new Error("the built package does not match")'
(
  cd "$copy/bindings/node"
  export CARGO_TARGET_DIR="$copy/bindings/node/target"
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent build:debug
  node -e "$works"
  npm run --silent build
  node -e "$works"
  rm -f ferruler-*.tgz
  npm pack --silent --pack-destination "$scratch" >/dev/null
)
project="$scratch/npm-project"
rm -rf "$project" && mkdir -p "$project"
(
  cd "$project"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --loglevel=error "$scratch"/ferruler-*.tgz
  python3 "$snippet" "$repo/README.md" js "### Node" quickstart.cjs -- node quickstart.cjs
  python3 "$snippet" "$repo/README.md" js "### Node" quickstart.mjs --esm -- node quickstart.mjs
  # The same program for tsc, the assertion's import (which needs Node's types) declared instead.
  { echo 'declare function assertDeepEqual(actual: unknown, expected: unknown): void'
    tail -n +2 quickstart.mjs; } >quickstart.mts
  node "$copy/bindings/node/node_modules/typescript/bin/tsc" --strict --noEmit --target es2022 \
    --lib es2022,dom --module nodenext --moduleResolution nodenext quickstart.mts
  echo "test-docs: the README's Node snippet type-checks under tsc --strict"
)

echo "== docs: Python package (bindings/python/README.md, README.md)"
documented bindings/python/README.md "pip install ./bindings/python"
documented README.md "pip install ./bindings/python"
documented bindings/python/README.md "maturin sdist"
rm -rf "$scratch/venv" "$scratch/venv-sdist" "$scratch/dist"
python3 -m venv "$scratch/venv"
(cd "$copy" && "$scratch/venv/bin/pip" install --quiet ./bindings/python)
mkdir -p "$scratch/elsewhere"
(cd "$scratch/elsewhere" && python3 "$snippet" "$repo/README.md" python "### Python" quickstart.py \
  -- "$scratch/venv/bin/python" quickstart.py)
# The `spark` extra, as the Python README installs it, then ferruler.spark on a local Spark
# (scripts/test-spark.sh runs the whole Spark suite; this checks the documented install).
documented bindings/python/README.md 'pip install "./bindings/python[spark]"'
(cd "$copy" && "$scratch/venv/bin/pip" install --quiet "./bindings/python[spark]")
(cd "$scratch/elsewhere" && PYSPARK_PYTHON="$scratch/venv/bin/python" "$scratch/venv/bin/python" - <<'PY'
from pyspark.sql import SparkSession
from ferruler.spark import match_rules

spark = SparkSession.builder.master("local[1]").appName("test-docs").getOrCreate()
events = spark.createDataFrame([('{"source": "com.shop"}',), ("{not json",)], ["value"])
rows = match_rules(events, "value", {"shop": {"source": ["com.shop"]}}).collect()
assert rows[0]["rules"] == ["shop"] and rows[0]["rules_error"] is None, rows[0]
assert rows[1]["rules"] is None and rows[1]["rules_error"], rows[1]
spark.stop()
print('test-docs: pip install "./bindings/python[spark]" gives a working ferruler.spark')
PY
)
"$scratch/venv/bin/pip" install --quiet maturin
(cd "$copy/bindings/python" && "$scratch/venv/bin/maturin" sdist --out "$scratch/dist" >/dev/null)
python3 -m venv "$scratch/venv-sdist"
# The sdist builds in a temporary directory; a fixed target directory keeps the compiled
# dependencies between runs.
CARGO_TARGET_DIR="$scratch/sdist-target" "$scratch/venv-sdist/bin/pip" install --quiet "$scratch"/dist/ferruler-*.tar.gz
(cd "$scratch/elsewhere" && python3 "$snippet" "$repo/README.md" python "### Python" quickstart.py \
  -- "$scratch/venv-sdist/bin/python" quickstart.py)

echo "== docs: command-line tool (README.md)"
documented README.md "cargo install --locked --path bindings/cli"
rm -rf "$scratch/cli"
(cd "$copy" && CARGO_TARGET_DIR="$copy/target" cargo install --quiet --locked --path bindings/cli --root "$scratch/cli")
first='ferruler test-event-pattern --event-pattern '\''{"source": ["com.shop"]}'\'' --event event.json'
documented README.md "$first"
(
  cd "$scratch/elsewhere"
  echo '{"source": "com.shop", "detail": {}}' >event.json
  answer="$(PATH="$scratch/cli/bin:$PATH" bash -c "$first")"
  [ "$answer" = true ] || { echo "test-docs: \`$first\` printed '$answer', not true" >&2; exit 1; }
  echo "test-docs: the installed ferruler runs the README's first command"
)

echo "== docs: explain, the same text from the CLI, Python and Node"
"$scratch/venv/bin/python" "$repo/scripts/explain_agreement.py" "$scratch/cli/bin/ferruler" "$project"

echo "== docs: Rust quick start (README.md, as a doc-test)"
(cd "$copy" && CARGO_TARGET_DIR="$copy/target" cargo test --quiet --locked --doc -p ferruler-tests)

echo "test-docs: every documented command works"
