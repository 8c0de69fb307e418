#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) until each has a budget of CPU seconds on
# record, at the lowest priority, one target at a time, then writes fuzz/SUMMARY.md.
#
#   fuzz/run.sh [--seed] [SECONDS] [TARGET...]     default: 1200 CPU-seconds, every target
#   fuzz/run.sh --summary                          only write fuzz/SUMMARY.md from the ledger
#
#   --seed          first rebuild the seed corpus (fuzz/seed.py) into fuzz/corpus/<target>/
#                   and minimise it with `cargo fuzz cmin`
#   FUZZ_RSS_MB     libFuzzer's memory limit per process (default 2048)
#   FUZZ_TIMEOUT    libFuzzer's per-input time limit in seconds (default 10)
#   FUZZ_SLICE      wall-clock seconds of one libFuzzer run (default 300); runs repeat
#                   until the target has its CPU budget on record
#   FUZZ_SUMMARY    where to write the summary (default fuzz/SUMMARY.md)
#   FUZZ_WALL       give up on a target after this many wall-clock seconds (default: none);
#                   on a busy machine nice 19 gets little CPU
#
# The budget is CPU time (user + system of the fuzzer process), not wall-clock time, so
# a run on a busy machine takes longer but fuzzes as much. Every libFuzzer run appends a
# row to fuzz/ledger.tsv (date, commit, target, CPU-s, executions, new artifacts), and a
# target's budget counts every row on record, so a budget can be spread over several
# sittings: each run goes on from the corpus the last one grew. The committed seeds in
# fuzz/corpus/<target>/ are read, never written; what a run finds goes to
# fuzz/grown/<target>/ (not committed), minimised after each target.
# libFuzzer stops at the first crash, timeout or out-of-memory; its reproducer lands in
# fuzz/artifacts/<target>/ and the next run goes on.
# Needs the nightly toolchain and cargo-fuzz (`cargo +nightly install cargo-fuzz --locked`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

seed=0
summary_only=0
if [[ "${1:-}" == "--seed" ]]; then
    seed=1
    shift
elif [[ "${1:-}" == "--summary" ]]; then
    summary_only=1
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
ledger="$here/ledger.tsv"
mkdir -p "$logs"
[[ -f "$ledger" ]] || printf 'date\tcommit\ttarget\tcpu_s\texecutions\tnew_artifacts\n' >"$ledger"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- host sdk policies fuzz/fuzz_targets || echo +)"

((summary_only)) && targets=()
((summary_only)) || "${fuzz[@]}" build "${flags[@]}" >"$logs/build.log" 2>&1 || {
    echo "cargo fuzz build failed: see $logs/build.log" >&2
    exit 1
}
bin="$here/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"

cmin() { # cmin TARGET DIR: minimise DIR in place, keeping a copy if cmin fails
    local t="$1" dir="$2"
    rm -rf "$logs/$t.keep" && cp -r "$dir" "$logs/$t.keep"
    if ! "${fuzz[@]}" cmin "${flags[@]}" "$t" "$dir" -- -rss_limit_mb="$rss" -timeout="$timeout" \
        >"$logs/$t.cmin.log" 2>&1 || [[ -z "$(ls "$dir")" ]]; then
        echo "cmin $t failed: see $logs/$t.cmin.log" >&2
        rm -rf "$dir" && mv "$logs/$t.keep" "$dir"
    fi
    rm -rf "$logs/$t.keep"
}

if [[ $seed == 1 ]]; then
    rm -rf "$here/seeds"
    python3 "$here/seed.py"
    for t in "${targets[@]}"; do
        mkdir -p "$here/corpus/$t"
        cp -n "$here/seeds/$t/"* "$here/corpus/$t/" 2>/dev/null || true
        cmin "$t" "$here/corpus/$t"
    done
fi

# One libFuzzer run of target $1 for $2 wall-clock seconds, output to $3.
run_once() {
    nice -n 19 "$bin/$1" "$here/grown/$1" "$here/corpus/$1" -dict="$here/dict/$1.dict" \
        -max_total_time="$2" -rss_limit_mb="$rss" -timeout="$timeout" -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$here/artifacts/$1/" >"$3" 2>&1 || true
}

# The CPU seconds (user + system) that one run took, from bash's `time`.
cpu_of() {
    local TIMEFORMAT='%U %S'
    { time run_once "$@"; } 2>&1 | awk '{ printf "%d\n", $1 + $2 + 0.5 }'
}

# The CPU seconds on record for target $1.
on_record() {
    awk -F'\t' -v t="$1" 'NR > 1 && $3 == t { s += $4 } END { print s + 0 }' "$ledger"
}

for t in "${targets[@]}"; do
    artifacts="$here/artifacts/$t"
    mkdir -p "$artifacts" "$here/corpus/$t" "$here/grown/$t"
    runs=0
    started=$SECONDS
    while (($(on_record "$t") < budget)); do
        left=$((budget - $(on_record "$t")))
        wall=$((left < slice ? left : slice))
        if ((wall_max > 0)); then
            remaining=$((wall_max - (SECONDS - started)))
            ((remaining > 0)) || break
            wall=$((remaining < wall ? remaining : wall))
        fi
        log="$logs/$t.$runs.log"
        before=$(ls "$artifacts" | wc -l)
        spent=$(cpu_of "$t" "$wall" "$log")
        n=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{ s += $2 } END { print s + 0 }')
        found=$(($(ls "$artifacts" | wc -l) - before))
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$commit" "$t" "$spent" "$n" "$found" >>"$ledger"
        runs=$((runs + 1))
        # A run shorter than a second of CPU made no progress (a build or start-up failure).
        if ((spent < 1)); then
            echo "$t: a run used under a second of CPU (start-up failure, or a crash in the corpus itself); see $log" >&2
            break
        fi
        # Stop early when the same target keeps crashing at once.
        if ((runs > 3 && n < 1000)); then
            break
        fi
    done
    ((runs == 0)) || cmin "$t" "$here/grown/$t"
    echo "$t: $(on_record "$t") CPU-s on record" >&2
done

# The summary covers every target on record, not only the ones run now.
{
    echo "# Fuzzing summary"
    echo
    echo "Written by \`fuzz/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ) from \`fuzz/ledger.tsv\` (every libFuzzer run on"
    echo "record; $(nproc) CPUs here, budget ${budget} CPU-s per target, \`-rss_limit_mb=$rss -timeout=$timeout\`,"
    echo "\`cargo fuzz ${flags[*]}\`, nice 19, ${slice}-second runs that go on from the grown corpus)."
    echo
    echo "| target | CPU-s | executions | runs | commits | grown corpus | new artifacts |"
    echo "|---|---:|---:|---:|---|---:|---:|"
    for t in $(ls "$here/fuzz_targets" | sed 's/\.rs$//' | sort); do
        awk -F'\t' -v t="$t" 'NR > 1 && $3 == t { c += $4; e += $5; r += 1; a += $6; if (!(($2) in seen)) { seen[$2] = 1; k = k (k ? ", " : "") $2 } }
            END { printf "| %s | %d | %d | %d | %s | ", t, c, e, r, k }' "$ledger"
        if [[ -d "$here/grown/$t" ]]; then
            printf '%s files (%s KiB) | ' "$(ls "$here/grown/$t" | wc -l)" "$(du -sk "$here/grown/$t" | cut -f1)"
        else
            printf '– | '
        fi
        awk -F'\t' -v t="$t" 'NR > 1 && $3 == t { a += $6 } END { printf "%d |\n", a }' "$ledger"
    done
    echo
    awk -F'\t' 'NR > 1 { c += $4; e += $5; a += $6 } END { printf "Total: %d CPU-s, %d executions, %d new artifacts.\n", c, e, a }' "$ledger"
    echo
    echo "Reproducers: \`fuzz/artifacts/<target>/\` (not committed). Minimise one with"
    echo "\`cargo +nightly fuzz tmin ${flags[*]} <target> <file>\`; a fixed one goes to \`fuzz/regressions/<target>/\`"
    echo "(replayed by \`cargo test\`), an open one to \`fuzz/pending/<target>/\`."
} >"${FUZZ_SUMMARY:-$here/SUMMARY.md}"
echo "wrote ${FUZZ_SUMMARY:-$here/SUMMARY.md}" >&2
