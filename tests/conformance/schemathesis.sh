#!/usr/bin/env bash
# Runs schemathesis with all its checks against the mock server of every vendor API.
#
# Each mock serves its spec at /openapi.json and accepts only the credentials in $SECRET, so
# that schemathesis' `ignored_auth` check sees invalid credentials refused. Bounded: a fixed
# number of examples per operation, every server on 127.0.0.1, stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECRET=conformance-secret
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-25}
APIS=(apono beyondinsight infoworks infraon)

packages=()
for api in "${APIS[@]}"; do packages+=(-p "$api-api"); done
cargo build --quiet --features server --examples "${packages[@]}"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

failed=0
port=18400
for api in "${APIS[@]}"; do
  port=$((port + 1))
  "target/debug/examples/$api-api-mock" --port "$port" --secret "$SECRET" >"target/$api-mock.log" 2>&1 &
  pids+=($!)
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 50); do curl -fs "$base/openapi.json" >/dev/null && break; sleep 0.2; done

  # One run per kind of credential the API's operations take.
  runs=()
  case "$api" in
    apono) runs+=("Authorization: Bearer $SECRET|") ;;
    beyondinsight | infraon) runs+=("Authorization: $SECRET|") ;;
    infoworks)
      basic=$(printf 'user:%s' "$SECRET" | base64)
      runs+=("Authorization: Basic $basic|--include-operation-id getAuthenticationToken --include-operation-id regenerateRefreshToken --include-operation-id bulkLdapSync")
      runs+=("Authorization: $SECRET|--include-operation-id getAccessToken")
      runs+=("Authorization: Bearer $SECRET|--exclude-operation-id getAuthenticationToken --exclude-operation-id regenerateRefreshToken --exclude-operation-id bulkLdapSync --exclude-operation-id getAccessToken")
      ;;
  esac
  for run in "${runs[@]}"; do
    header=${run%%|*}
    filters=${run#*|}
    echo "==> schemathesis: $api ${filters:-(all operations)}"
    # shellcheck disable=SC2086
    if ! schemathesis run "$base/openapi.json" --origin "$base" \
        --checks all --max-examples "$EXAMPLES" --seed 1 --workers 1 \
        --header "$header" $filters; then
      failed=1
    fi
  done
done
exit $failed
