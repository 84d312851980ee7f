#!/usr/bin/env bash
# Leak check: runs benches/src/bin/churn.rs (add / match / delete / clone / threads in a loop)
# under valgrind's memcheck; any leak (definite, indirect or possible) or memory error fails.
#
#   scripts/leakcheck.sh [ROUNDS]      (default 20; ~30 s under valgrind)
#
# LeakSanitizer route instead (no valgrind; the stable toolchain ships the runtime):
#   RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zsanitizer=leak cargo run --release -p ferruler-benches \
#       --bin churn --target x86_64-unknown-linux-gnu --target-dir target/lsan -- 20
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
cargo build --release -q -p ferruler-benches --bin churn
# Two suppressions, both outside ferruler: std keeps the main thread's `Thread` handle behind a
# tagged pointer in thread-local storage for the life of the process, and glibc keeps the TLS
# block (dtv) of a finished thread with its cached stack; memcheck reports both as "possibly lost".
supp=$(mktemp)
trap 'rm -f "$supp"' EXIT
cat >"$supp" <<'SUPP'
{
   std-main-thread-handle
   Memcheck:Leak
   match-leak-kinds: possible
   fun:malloc
   ...
   fun:*init_current*
}
{
   glibc-cached-thread-tls
   Memcheck:Leak
   match-leak-kinds: possible
   fun:calloc
   ...
   fun:_dl_allocate_tls
   ...
   fun:pthread_create*
}
SUPP
valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    --suppressions="$supp" target/release/churn "$rounds"
