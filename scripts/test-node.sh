#!/usr/bin/env bash
# Builds the Node addon (release) and runs the Node test suite (bindings/node/__test__).
#
# Run from anywhere; needs Rust, Node >= 20 and npm, and the npm registry for the first install.
# Idempotent: `npm ci` is skipped while node_modules matches package-lock.json, and cargo rebuilds
# only what changed. The conformance corpus is read from ../shared beside the repository, or from
# $FERRULER_CASES.
set -euo pipefail

cd "$(dirname "$0")/../bindings/node"

# `npm ci` wipes and reinstalls node_modules, so only run it when the lock file changed since the
# last install (npm records the installed tree in node_modules/.package-lock.json).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# Formatting is checked here because this crate is outside the root workspace.
cargo fmt --check

# The package's own build script, as the README has users run it.
npm run --silent build

node --test __test__/
