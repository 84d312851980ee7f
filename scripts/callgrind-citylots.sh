#!/usr/bin/env bash
# Instructions per event for each CityLots rule set and for the PARSE reference, counted by
# valgrind's callgrind: reproducible on a busy machine, unlike wall-clock time.
#
#   scripts/callgrind-citylots.sh [EVENTS.jsonl.gz]   (default: a 5,000-event corpus, generated)
set -euo pipefail
cd "$(dirname "$0")/.."
rules=../shared/bench/citylots-rules.json
events=${1:-target/citylots-5k.jsonl.gz}
if [ ! -f "$events" ]; then
  python3 ../shared/bench/gen_citylots.py --events 5000 --out "$events" 2>/dev/null
fi
cargo build --release -q -p ferruler-benches --bin citylots
n=$(python3 -c "import gzip,sys; print(sum(1 for l in gzip.open(sys.argv[1]) if l.strip()))" "$events")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for kind in $(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))))" "$rules"); do
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); json.dump({sys.argv[2]: r[sys.argv[2]]}, open(sys.argv[3],'w'))" \
    "$rules" "$kind" "$tmp/rules.json"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" target/release/citylots "$tmp/rules.json" "$events" 1 \
    >/dev/null 2>&1
  callgrind_annotate --inclusive=yes "$tmp/cg.out" 2>/dev/null >"$tmp/annotated"
  count() { grep -E "$1 \[" "$tmp/annotated" | head -1 | awk '{gsub(",","",$1); print $1}'; }
  m=$(count 'citylots::match_pass')
  p=$(count 'citylots::parse_pass')
  awk -v k="$kind" -v m="$m" -v p="$p" -v n="$n" \
    'BEGIN { printf "%-26s %8.0f instructions/event   PARSE %8.0f   ratio %.2fx\n", k, m/n, p/n, p/m }'
done
