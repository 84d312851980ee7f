#!/usr/bin/env bash
# The concurrency stress test (tests/tests/concurrency.rs) at large sizes, optimised.
#
#   scripts/stress.sh [OPS_PER_WRITER] [READERS] [WRITERS] [GROUPS_PER_WRITER]
#
# Defaults: 200000 ops per writer, 3 readers, 2 writers, 16 groups (of three names) per writer.
# Prints the number of matches, their rate and the number of name verdicts checked.
set -euo pipefail
cd "$(dirname "$0")/.."
export FERRULER_STRESS_OPS=${1:-200000}
export FERRULER_STRESS_READERS=${2:-3}
export FERRULER_STRESS_WRITERS=${3:-2}
export FERRULER_STRESS_GROUPS=${4:-16}
cargo test --release -q -p ferruler-tests --test concurrency readers_see_only_consistent_rule_sets -- --nocapture
