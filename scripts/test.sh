#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls this):
#   1. formatting and lints of the Rust workspace;
#   2. the Rust workspace's tests: core unit tests, the conformance corpus through the API and the
#      CLI, property tests against the reference interpreter, explain/match agreement, the CLI's
#      integration tests, fuzz-corpus replay, adversarial and concurrency tests;
#   3. the Python binding, built into a venv, and its pytest suite (scripts/test-python.sh);
#   4. the Node binding, built with napi, and its node --test suite (scripts/test-node.sh);
#   5. `ferruler serve` with real clients: boto3, the AWS CLI and headless Chromium
#      (scripts/test-serve.sh);
#   6. `ferruler.spark` on Spark in local mode against `ferruler filter` (scripts/test-spark.sh;
#      pyspark from PyPI into the Python venv, a Java runtime from Debian when missing);
#   7. the documented commands: on a scratch copy, every install/build command the READMEs show,
#      then the README's quick-start snippets in Rust, Python and Node (scripts/test-docs.sh).
#
# Needs Rust (cargo with rustfmt and clippy), python3 with pip/venv, and Node >= 20 with npm; the
# rest (maturin, pytest, @napi-rs/cli, boto3, awscli, selenium, crates) comes from the package
# registries on first use, and Debian's chromium and chromium-driver through apt-get (as root).
# The conformance corpus is read from ../shared/conformance/cases.jsonl beside the repository, or
# from $FERRULER_CASES.
#
# Usage: scripts/test.sh [rust|python|node|serve|spark|docs]...   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(rust python node serve spark docs)

for part in "${parts[@]}"; do
  case "$part" in
    rust)
      echo "== rust: fmt, clippy, tests"
      cargo fmt --all -- --check
      cargo clippy --workspace --all-targets --locked -- -D warnings
      cargo test --workspace --locked
      ;;
    python)
      echo "== python binding"
      scripts/test-python.sh
      ;;
    node)
      echo "== node binding"
      scripts/test-node.sh
      ;;
    serve)
      echo "== ferruler serve with real clients"
      scripts/test-serve.sh
      ;;
    spark)
      echo "== ferruler.spark on Spark (local[2])"
      scripts/test-spark.sh
      ;;
    docs)
      echo "== documented commands"
      scripts/test-docs.sh
      ;;
    *)
      echo "unknown part: $part (expected rust, python, node, serve, spark or docs)" >&2
      exit 2
      ;;
  esac
done
echo "== all requested tests passed"
