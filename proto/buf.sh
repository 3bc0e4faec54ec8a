#!/usr/bin/env bash
# Contract checks with the pinned buf CLI (npm @bufbuild/buf, see package.json).
#   proto/buf.sh check      lint + breaking (what CI runs)
#   proto/buf.sh lint       buf lint, STANDARD rules
#   proto/buf.sh breaking   buf breaking against contracts/buf-baseline.binpb
#   proto/buf.sh baseline   refresh the baseline: only for a deliberate change while v1 is unreleased
# Imports (google/*, buf/validate) are unpacked from the jars that carry them: no Buf Schema Registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
contracts="$here/contracts"
baseline="$contracts/buf-baseline.binpb"
breaking_config='{"version":"v2","breaking":{"use":["FILE"]}}'

buf_cli() {
  if [ ! -x "$here/node_modules/.bin/buf" ]; then
    echo "buf: installing the pinned CLI from npm" >&2
    (cd "$here" && npm install --no-audit --no-fund --loglevel=error >&2)
  fi
  "$here/node_modules/.bin/buf" "$@"
}

third_party() {
  echo "buf: unpacking imported protos from their jars" >&2
  (cd "$root" && ./mvnw -B -q -pl proto/contracts generate-resources)
}

current_image() {
  local image
  image="$(mktemp --suffix=.binpb)"
  (cd "$contracts" && buf_cli build -o "$image")
  echo "$image"
}

lint() {
  (cd "$contracts" && buf_cli lint)
  echo "buf lint: ok"
}

breaking() {
  local image
  image="$(current_image)"
  (cd "$contracts" && buf_cli breaking "$image" --against "$baseline" --config "$breaking_config")
  rm -f "$image"
  echo "buf breaking against $(basename "$baseline"): ok"
}

case "${1:-check}" in
  lint) third_party; lint ;;
  breaking) third_party; breaking ;;
  check) third_party; lint; breaking ;;
  baseline)
    third_party
    (cd "$contracts" && buf_cli build -o "$baseline")
    echo "baseline refreshed: $baseline (commit it with the contract change)" ;;
  *) echo "usage: $0 [check|lint|breaking|baseline]" >&2; exit 2 ;;
esac
