#!/usr/bin/env bash
# The CLI's main job on the bundled example: test a repository of EventBridge rules locally
# (a SAM template and pattern files with their cases beside them), show why a failing event does
# not match, then route a stream of events through every rule.
#
#   scripts/demo.sh            # from a fresh clone; builds the CLI in release mode first
set -euo pipefail
cd "$(dirname "$0")/.."

ferruler() { cargo run --quiet --release -p ferruler-cli -- "$@"; }

echo "== ferruler check examples/shop   (validate every rule: template and pattern files)"
ferruler check examples/shop

echo
echo "== ferruler cases --format text examples/shop   (run the rule tests beside the rules)"
ferruler cases --format text examples/shop

echo
echo "== ferruler explain   (why does this refund not reach the bulk-refund handler?)"
ferruler explain --rules examples/shop/template.yaml --rule RefundHandlerOnBulkRefund \
  --event '{"source": "com.shop.prod", "detail-type": "Refund Requested", "detail": {"items": [{"sku": "SKU-7", "quantity": 1}, {"sku": "GIFTCARD", "quantity": 5}]}}' \
  || true   # exit status 1: no match, as explained

echo
echo "== ferruler filter --rules examples/shop examples/events.jsonl   (rules matched per event, counted)"
ferruler filter --rules examples/shop examples/events.jsonl | sort | uniq -c | sort -rn

echo
echo "== ferruler filter --output events   (only the events some rule matches)"
echo "$(ferruler filter --rules examples/shop --output events examples/events.jsonl | wc -l) of $(wc -l < examples/events.jsonl) events match a rule"
