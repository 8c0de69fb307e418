#!/usr/bin/env bash
# Load benchmark of `entitle serve` (issue 20): the server on a loopback port driven by
# host/examples/load.rs at 1, 16 and 64 concurrent clients (keep-alive, POST /v1/check of
# an ARM template and its parameters file), against `entitle check` started per request
# at 1 and 16; requests per second, p50/p99 latency, replies by status, peak RSS. The
# table is printed and written to target/load/table.md.
#
#   scripts/load.sh [SECONDS]            (default 30; LOAD_BIN names another entitle binary)
#   LOAD_CLIENTS=1,16,64 LOAD_CLI_CLIENTS=1,16 LOAD_INPUT=DIR scripts/load.sh 10
#
# The server binary is built with the bench profile (optimised, quicker to link than
# release; it lands in target/release) unless LOAD_BIN is set. Figures from a shared machine are noisy: compare rows of the same run only.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-30}
input=${LOAD_INPUT:-tests/arm/map-lookup-params-file}
# The client only writes and reads sockets: a debug build is enough (and builds no test
# dependencies with optimisation).
cargo build --quiet -p entitle --example load
client=target/debug/examples/load
if [ -z "${LOAD_BIN:-}" ]; then
  cargo build --quiet --profile bench -p entitle --bin entitle
  bin=target/release/entitle
else
  bin=$LOAD_BIN
fi
mkdir -p target/load
{
  echo "entitle serve load, $(date -u +%F), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), ${seconds}s per row, input $input"
  echo
  "$client" "$bin" "$input" "$seconds" "${LOAD_CLIENTS:-1,16,64}" "${LOAD_CLI_CLIENTS:-1,16}"
} | tee target/load/table.md
