#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a given time each, one after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (default: 60 s; all four targets)
#
# Targets: parse_pattern, match_event, differential, machine_ops (see docs/hardening.md).
# Each target reads its committed seeds (fuzz/seeds/<target>) and regressions
# (fuzz/regressions/<target>) and grows an ignored working corpus in fuzz/corpus/<target>;
# findings land in fuzz/artifacts/<target>/ and the libFuzzer log in fuzz/logs/<target>-<sanitizer>.log.
#
# Toolchain: cargo-fuzz needs nightly flags (-Zsanitizer, -Cpasses=sancov). The machine's one
# toolchain is stable, so the script sets RUSTC_BOOTSTRAP=1, which lets stable rustc accept them;
# the stable toolchain ships the ASan runtime, so AddressSanitizer works. Set FUZZ_SANITIZER=none
# for a faster run without it, FUZZ_ARGS for extra libFuzzer flags (e.g. "-jobs=2 -workers=2").
# Needs `cargo install cargo-fuzz --locked` once.
set -euo pipefail

secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse_pattern match_event differential machine_ops)
fi
sanitizer=${FUZZ_SANITIZER:-address}

cd "$(dirname "$0")/../fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
    exit 2
fi
export RUSTC_BOOTSTRAP=1

# -a: debug assertions and overflow checks on; -O: optimised, as the targets run millions of times.
# One target dir per sanitizer, so that runs with and without ASan do not rebuild each other.
build=(-a -O -s "$sanitizer" --target-dir "target/$sanitizer")
mkdir -p logs
for t in "${targets[@]}"; do
    if ! cargo fuzz build "${build[@]}" "$t" >"logs/build-$t.log" 2>&1; then
        cat "logs/build-$t.log" >&2
        exit 2
    fi
done
failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    dirs=("corpus/$t" "seeds/$t")
    [ -d "regressions/$t" ] && dirs+=("regressions/$t")
    echo "== $t: ${secs}s"
    # shellcheck disable=SC2086
    if ! cargo fuzz run "${build[@]}" "$t" "${dirs[@]}" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        ${FUZZ_ARGS:-} >"logs/$t-$sanitizer.log" 2>&1; then
        failed+=("$t")
    fi
    grep -E '^#[0-9]+ *(DONE|INITED)|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)|cov: ' "logs/$t-$sanitizer.log" |
        grep -E 'DONE|INITED|stat::' || tail -5 "logs/$t.log"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]} (see fuzz/logs/ and fuzz/artifacts/; add each input to fuzz/regressions/<target>/)" >&2
    exit 1
fi
echo "all targets ran ${secs}s without a finding"
