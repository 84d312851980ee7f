#!/usr/bin/env bash
# Rewrites fuzz/seeds/<target>/ from the conformance cases (shared/conformance/cases.jsonl, or
# $FERRULER_CASES), after replaying every new seed through its target body on stable Rust.
# The generator is ferruler_tests::fuzz_bodies::seeds; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
FERRULER_WRITE_SEEDS=1 cargo test -q -p ferruler-tests --test fuzz_replay seeds_from_current_cases_pass
for d in fuzz/seeds/*/; do
    echo "$d: $(find "$d" -type f | wc -l) files"
done
