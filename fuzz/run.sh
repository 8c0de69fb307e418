#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a budget of CPU seconds each, at the
# lowest priority, one target at a time, then writes fuzz/SUMMARY.md.
#
#   fuzz/run.sh [--seed] [SECONDS] [TARGET...]     default: 1200 CPU-seconds, every target
#
#   --seed          first rebuild the seed corpus (fuzz/seed.py) and minimise it with
#                   `cargo fuzz cmin` into fuzz/corpus/<target>/
#   FUZZ_RSS_MB     libFuzzer's memory limit per process (default 2048)
#   FUZZ_TIMEOUT    libFuzzer's per-input time limit in seconds (default 10)
#   FUZZ_SLICE      wall-clock seconds of one libFuzzer run (default 300); runs repeat
#                   until the target has used its CPU budget
#   FUZZ_SUMMARY    where to write the summary (default fuzz/SUMMARY.md)
#   FUZZ_WALL       give up on a target's budget after this many wall-clock seconds
#                   (default: none); on a busy machine nice 19 gets little CPU
#
# The budget is CPU time (user + system of the fuzzer process), not wall-clock time, so
# a run on a busy machine takes longer but fuzzes as much. libFuzzer stops at the first
# crash, timeout or out-of-memory; its reproducer lands in fuzz/artifacts/<target>/ and
# the next run goes on from the corpus. After each target the corpus is minimised again.
# Needs the nightly toolchain and cargo-fuzz (`cargo +nightly install cargo-fuzz --locked`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

seed=0
if [[ "${1:-}" == "--seed" ]]; then
    seed=1
    shift
fi
budget="${1:-1200}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(ls "$here/fuzz_targets" | sed 's/\.rs$//' | sort)
fi
rss="${FUZZ_RSS_MB:-2048}"
timeout="${FUZZ_TIMEOUT:-10}"
slice="${FUZZ_SLICE:-300}"
wall_max="${FUZZ_WALL:-0}"
flags=(-s none -a)
fuzz=(nice -n 19 cargo +nightly fuzz)
logs="$here/logs"
mkdir -p "$logs"

"${fuzz[@]}" build "${flags[@]}" >"$logs/build.log" 2>&1 || {
    echo "cargo fuzz build failed: see $logs/build.log" >&2
    exit 1
}
bin="$here/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"

if [[ $seed == 1 ]]; then
    rm -rf "$here/seeds"
    python3 "$here/seed.py"
    for t in "${targets[@]}"; do
        mkdir -p "$here/corpus/$t"
        cp -n "$here/seeds/$t/"* "$here/corpus/$t/" 2>/dev/null || true
        "${fuzz[@]}" cmin "${flags[@]}" "$t" "$here/corpus/$t" -- -rss_limit_mb="$rss" -timeout="$timeout" \
            >"$logs/$t.cmin.log" 2>&1 || echo "cmin $t failed: see $logs/$t.cmin.log" >&2
    done
fi

# One libFuzzer run of target $1 for $2 wall-clock seconds, output to $3.
run_once() {
    nice -n 19 "$bin/$1" "$here/corpus/$1" -dict="$here/dict/$1.dict" -max_total_time="$2" \
        -rss_limit_mb="$rss" -timeout="$timeout" -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$here/artifacts/$1/" >"$3" 2>&1 || true
}

# The CPU seconds (user + system) that one run took, from bash's `time`.
cpu_of() {
    local TIMEFORMAT='%U %S'
    { time run_once "$@"; } 2>&1 | awk '{ printf "%d\n", $1 + $2 + 0.5 }'
}

summary="${FUZZ_SUMMARY:-$here/SUMMARY.md}"
rows=()
for t in "${targets[@]}"; do
    artifacts="$here/artifacts/$t"
    mkdir -p "$artifacts" "$here/corpus/$t"
    before=$(ls "$artifacts" | wc -l)
    used=0
    execs=0
    runs=0
    started=$SECONDS
    while ((used < budget)); do
        left=$((budget - used))
        wall=$((left < slice ? left : slice))
        if ((wall_max > 0)); then
            remaining=$((wall_max - (SECONDS - started)))
            ((remaining > 0)) || break
            wall=$((remaining < wall ? remaining : wall))
        fi
        log="$logs/$t.$runs.log"
        spent=$(cpu_of "$t" "$wall" "$log")
        # A run shorter than a second of CPU made no progress (a build or start-up failure).
        if ((spent < 1)); then
            echo "$t: a run used under a second of CPU (start-up failure, or a crash in the corpus itself); see $log" >&2
            break
        fi
        used=$((used + spent))
        n=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{ s += $2 } END { print s + 0 }')
        execs=$((execs + n))
        runs=$((runs + 1))
        # Stop early when the same target keeps crashing at once.
        if ((runs > 3 && n < 1000)); then
            break
        fi
    done
    # cmin rewrites the corpus in place: keep a copy, and put it back if cmin fails.
    rm -rf "$logs/$t.corpus" && cp -r "$here/corpus/$t" "$logs/$t.corpus"
    if ! "${fuzz[@]}" cmin "${flags[@]}" "$t" "$here/corpus/$t" -- -rss_limit_mb="$rss" -timeout="$timeout" \
        >"$logs/$t.cmin.log" 2>&1 || [[ -z "$(ls "$here/corpus/$t")" ]]; then
        rm -rf "$here/corpus/$t" && mv "$logs/$t.corpus" "$here/corpus/$t"
    fi
    after=$(ls "$artifacts" | wc -l)
    files=$(ls "$here/corpus/$t" | wc -l)
    size=$(du -sk "$here/corpus/$t" | cut -f1)
    crashes=$(ls "$artifacts" | grep -c '^crash-' || true)
    timeouts=$(ls "$artifacts" | grep -c '^timeout-' || true)
    ooms=$(ls "$artifacts" | grep -c '^oom-\|^slow-unit-' || true)
    rows+=("| $t | $used | $execs | $runs | $files ($size KiB) | $((after - before)) | $crashes / $timeouts / $ooms |")
    echo "$t: ${used} CPU-s, ${execs} executions, $((after - before)) new artifacts" >&2
done

{
    echo "# Fuzzing summary"
    echo
    echo "Written by \`fuzz/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ) ($(nproc) CPUs, budget ${budget} CPU-s per target,"
    echo "\`-rss_limit_mb=$rss -timeout=$timeout\`, \`cargo fuzz ${flags[*]}\`)."
    echo
    echo "| target | CPU-s | executions | runs | corpus after cmin | new artifacts | crash / timeout / oom artifacts (all) |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Reproducers: \`fuzz/artifacts/<target>/\` (not committed). Minimise one with"
    echo "\`cargo +nightly fuzz tmin ${flags[*]} <target> <file>\`; a fixed one goes to \`fuzz/regressions/<target>/\`"
    echo "(replayed by \`cargo test\`), an open one to \`fuzz/pending/<target>/\`."
} >"$summary"
echo "wrote $summary" >&2
