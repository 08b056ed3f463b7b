#!/usr/bin/env bash
# Runs each generated client's smoke example (every operation, values built from the spec)
# against Prism's validating mock of the same spec: a request Prism finds invalid fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

PRISM_VERSION=5.16.0
PRISM_DIR=.cache/prism
APIS=(apono beyondinsight infoworks infraon)
# Prism parses multipart parts as text and so rejects a JSON part for an object property
# (stoplightio/prism#2008, #2672); the generated client sends it as `application/json`, as the
# spec's `encoding` says. Only this (operation, violation) pair is tolerated.
KNOWN_PRISM_LIMITATION='FAIL  deprecatedQueueImportFile: .*Details must be object'

if [ ! -x "$PRISM_DIR/node_modules/.bin/prism" ]; then
  mkdir -p "$PRISM_DIR"
  npm install --prefix "$PRISM_DIR" --no-save --silent --no-audit --no-fund "@stoplight/prism-cli@$PRISM_VERSION"
fi
prism="$PRISM_DIR/node_modules/.bin/prism"

packages=()
for api in "${APIS[@]}"; do packages+=(-p "$api-api"); done
cargo build --quiet --features client --examples "${packages[@]}"

pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

failed=0
port=18500
for api in "${APIS[@]}"; do
  port=$((port + 1))
  "$prism" mock --host 127.0.0.1 --port "$port" "generated/$api/openapi.json" >"target/prism-$api.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  echo "==> prism: $api"
  out=$("target/debug/examples/$api-api-smoke" "http://127.0.0.1:$port" || true)
  echo "$out" | tail -n 1
  unexpected=$(echo "$out" | grep '^FAIL' | grep -v -E "$KNOWN_PRISM_LIMITATION" || true)
  if [ -n "$unexpected" ]; then
    echo "$unexpected"
    failed=1
  fi
  if ! echo "$out" | tail -n 1 | grep -qE '^smoke: [0-9]+ operations ok, [0-9]+ failed$'; then
    echo "the smoke run of $api did not finish"
    failed=1
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
done
exit $failed
