#!/usr/bin/env bash
# Tests `ferruler serve` with real clients: boto3 and the AWS CLI (from PyPI) call its
# TestEventPattern, Python's HTTP client calls the JSON API, and a headless Chromium (Debian's
# chromium and chromium-driver, driven by Selenium) types into the Sandbox page. The whole
# conformance corpus goes through boto3 and must get the library's own answers.
#
# Needs Rust (cargo) and python3 with pip/venv; the Python packages come from PyPI into
# bindings/cli/tests/serve/.venv (made on first use, reused after), and Chromium is installed with
# apt-get when missing (as root). The server listens on a free loopback port and is stopped with
# SIGTERM at the end, which also tests the graceful shutdown.
#
# Usage: scripts/test-serve.sh [pytest arguments...]
# Environment: PYTHON (interpreter for the venv, default python3), FERRULER_SERVE_VENV (venv path),
# FERRULER_CASES (conformance corpus, default ../shared/conformance/cases.jsonl beside the repo),
# FERRULER_SCREENSHOT (save the Sandbox's picture there, e.g. docs/img/sandbox.png).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tests="$repo/bindings/cli/tests/serve"
venv="$(realpath -m "${FERRULER_SERVE_VENV:-$tests/.venv}")"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
export FERRULER_CASES="${FERRULER_CASES:-$repo/../shared/conformance/cases.jsonl}"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "test-serve: installing chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# A venv left half-made (no pip) by an interrupted run is made again.
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    echo "test-serve: creating $venv"
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$venv/bin/python" -m pip install --quiet -r "$tests/requirements.txt"
# The AWS CLI's `aws` command is run from the venv.
export PATH="$venv/bin:$PATH"

echo "test-serve: building ferruler"
cargo build --quiet --locked -p ferruler-cli
export FERRULER_BIN="$repo/target/debug/ferruler"

log="$(mktemp)"
"$FERRULER_BIN" serve --port 0 --rules "$repo/bindings/cli/tests/fixtures/rules-repo/rules" 2>"$log" &
server=$!
stop() {
    if kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; fi
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap stop EXIT

for _ in $(seq 100); do
    address="$(grep -o 'listening on http://[0-9.:]*' "$log" | cut -d' ' -f3 || true)"
    [ -n "$address" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$address" ] || { echo "test-serve: the server did not start" >&2; cat "$log" >&2; exit 1; }
export FERRULER_SERVE_URL="$address"
echo "test-serve: server at $address"

cd "$tests"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"

# SIGTERM: the server must stop by itself, promptly, and say so.
kill -TERM "$server"
for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server" 2>/dev/null; then
    echo "test-serve: the server did not stop on SIGTERM" >&2
    exit 1
fi
wait "$server" || { echo "test-serve: the server exited with an error" >&2; cat "$log" >&2; exit 1; }
grep -q "ferruler serve: stopped" "$log"
echo "test-serve: the server stopped on SIGTERM after $(grep -c 'us$' "$log") logged requests"
