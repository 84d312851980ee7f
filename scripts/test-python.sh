#!/usr/bin/env bash
# Checks the Python extension's Rust code (rustfmt, clippy), builds the extension into a
# virtualenv and runs its pytest suite.
#
# Needs only Rust (cargo) and python3 with pip/venv; the rest (maturin, pytest, mypy) comes from
# PyPI into bindings/python/.venv, created on first use and reused after. The package is installed
# the way users install it (`pip install bindings/python`, a release build of the abi3 wheel), so
# the test also covers packaging: the stubs and py.typed must be in the installed package.
#
# Usage: scripts/test-python.sh [pytest arguments...]
# Environment: PYTHON (interpreter for the venv, default python3), FERRULER_PY_VENV (venv path),
# FERRULER_CASES (conformance corpus, default ../shared/conformance/cases.jsonl beside the repo).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="$repo/bindings/python"
venv="${FERRULER_PY_VENV:-$package/.venv}"

name=test-python requirements="$package/tests/requirements.txt"
# shellcheck source=scripts/python-venv.sh
source "$repo/scripts/python-venv.sh"

# The crate is outside the Cargo workspace, so the workspace's fmt and clippy runs do not see it.
echo "test-python: cargo fmt --check, cargo clippy (bindings/python)"
cargo fmt --manifest-path "$package/Cargo.toml" -- --check
cargo clippy --quiet --manifest-path "$package/Cargo.toml" --all-targets -- -D warnings

echo "test-python: building and installing the extension (release)"
# --no-build-isolation: build with the venv's maturin instead of fetching one per run; the build
# is in-tree, so cargo's incremental state in bindings/python/target is reused.
"$py" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall "$package"

cd "$package"
exec "$py" -m pytest -q "$@"
