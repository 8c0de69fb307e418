#!/usr/bin/env bash
# The benchmarks of issue 21, in one run, as one table (also written to target/bench/table.md):
#   (a) one evaluation of one policy (rhel-lifecycle) in a fresh instance, at about 2.5 KB, 100 KB and 2 MB
#       (`entitle bench`, median of its iterations);
#   (b) cold start: the whole process on one small file against an empty process (`true`), medians of paired runs;
#   (c) throughput: a generated corpus of mixed formats, `check --format json` with --jobs 1 and 2 alternated;
#   (d) large files: generated Terraform plans and ARM templates, wall time and peak RSS (/usr/bin/time);
#   (e) peak RSS against corpus size.
# Inputs are generated under $BENCH_DIR (default /tmp/entitle-bench) by ../shared/bench/gen.py, never in the
# repository. The release binary is built first. Wall-clock figures on a shared machine are noisy: ratios come from
# runs made side by side, and `valgrind --tool=callgrind` instruction counts (BENCH_CALLGRIND=1) back the large-file
# rows. Sizes can be lowered for a quick run: BENCH_MB="5 20", BENCH_COUNT=2000, BENCH_RUNS=3; BENCH_BIN names
# another binary (then nothing is built).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gen=${BENCH_GEN:-$root/../shared/bench/gen.py}
dir=${BENCH_DIR:-/tmp/entitle-bench}
mbs=${BENCH_MB:-5 20 50}
count=${BENCH_COUNT:-10000}
runs=${BENCH_RUNS:-5}
as_of=2026-11-25
bin=${BENCH_BIN:-$root/target/release/entitle}
out=$root/target/bench
mkdir -p "$dir" "$out"
table=$out/table.md

[ -f "$gen" ] || { echo "bench: no generator at $gen (set BENCH_GEN)" >&2; exit 2; }
[ -n "${BENCH_BIN:-}" ] || (cd "$root" && cargo build --release -p entitle >&2)

# Median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# Seconds (wall) and peak RSS (KB) of a command: "SECONDS KB". Exit codes 0-2 are results, not failures.
measure() {
  local t
  t=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$t" "$@" >/dev/null 2>&1 || [ $? -le 2 ] || { echo "bench: failed: $*" >&2; exit 2; }
  tail -1 "$t"
  rm -f "$t"
}
# Wall seconds of a command, to the microsecond.
wall() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f\n", (e - s) / 1e9}'
}

{
  echo "# entitle benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| bench | work | figure | ratio |"
  echo "|---|---|---|---|"
} >"$table"
row() { echo "| $1 | $2 | $3 | $4 |" | tee -a "$table"; }

# Inputs.
[ -d "$dir/corpus" ] && [ "$(find "$dir/corpus" -type f | wc -l)" -gt "$count" ] ||
  python3 "$gen" corpus --out "$dir/corpus" --count "$count" --force >/dev/null 2>&1
for mb in $mbs; do
  [ -f "$dir/plan$mb.json" ] || python3 "$gen" bigplan --mb "$mb" --out "$dir/plan$mb.json" >/dev/null 2>&1
  [ -f "$dir/arm$mb.json" ] || python3 "$gen" bigarm --mb "$mb" --out "$dir/arm$mb.json" >/dev/null 2>&1
done
[ -f "$dir/plan0.1.json" ] || python3 "$gen" bigplan --mb 0.1 --out "$dir/plan0.1.json" >/dev/null 2>&1
[ -f "$dir/plan2.json" ] || python3 "$gen" bigplan --mb 2 --out "$dir/plan2.json" >/dev/null 2>&1
# A 2-3 KB ARM template with a RHEL VM (so rhel-lifecycle has a workload to evaluate).
small=$(find "$dir/corpus/arm" -type f -size +2000c -size -3000c | sort | xargs grep -l '"RedHat"' | head -1)

# (a) One evaluation, fresh instance, beside regorus (RVM) running two of its rules written in Rego
# (bench/regorus, a workspace of its own) on the same input's facts: the guest view `entitle facts` gives,
# without provenance, properties or trail, as the policy is sent; input parse included on both sides.
facts=()
for input in "$small" "$dir/plan0.1.json" "$dir/plan2.json"; do
  f=$dir/facts-$(basename "$input")
  "$bin" facts "$input" 2>/dev/null | python3 -c '
import datetime, json, sys
facts = json.load(sys.stdin)
drop = ("properties", "provenance", "trail")
workloads = [{k: v for k, v in w.items() if k not in drop} for w in facts["workloads"]]
as_of = sys.argv[1]
until = (datetime.date.fromisoformat(as_of) + datetime.timedelta(days=180)).isoformat()
json.dump({"as_of": as_of, "warn_within_days": 180, "warn_until": until, "deployment": {"workloads": workloads}}, sys.stdout)
' "$as_of" >"$f"
  facts+=("$f")
done
rego=$( (cd "$root/bench/regorus" && cargo bench --quiet --bench lifecycle -- "$root/policies/catalog/lifecycle.json" 200 "${facts[@]}") 2>/dev/null || true)
n=0
for input in "$small" "$dir/plan0.1.json" "$dir/plan2.json"; do
  size=$(stat -c %s "$input")
  us=$("$bin" bench --policy rhel-lifecycle --iterations 50 --as-of "$as_of" --format json "$input" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.1f" % r[0]["median_us"] if r else "nan")')
  n=$((n + 1))
  rg=$(printf '%s\n' "$rego" | sed -n "${n}p" | python3 -c 'import json,sys
try: r=json.loads(sys.stdin.read()); print("%.1f %d" % (r["median_us"], r["bytes"]))
except Exception: print("nan 0")')
  read -r rus rbytes <<<"$rg"
  ratio=$(awk -v e="$us" -v r="$rus" -v b="$rbytes" 'BEGIN{ if (r == "nan" || e == 0) print "regorus: not run"; else printf "regorus %.1f µs (%.1f KB of facts); entitle/regorus %.2fx", r, b/1024, e/r}')
  row "(a) one evaluation" "rhel-lifecycle, $((size / 1024)) KB input" "${us} µs median" "$ratio"
done

# (b) Cold start: paired runs of an empty process and a whole check of one small file.
empty=() full=()
for _ in $(seq "$runs"); do
  empty+=("$(wall true)")
  full+=("$(wall "$bin" check --format json --as-of "$as_of" "$small")")
done
e=$(printf '%s\n' "${empty[@]}" | median)
f=$(printf '%s\n' "${full[@]}" | median)
row "(b) cold start" "one small file vs an empty process" "$(awk -v v="$f" 'BEGIN{printf "%.1f ms", v*1000}') vs $(awk -v v="$e" 'BEGIN{printf "%.1f ms", v*1000}')" "$(awk -v f="$f" -v e="$e" 'BEGIN{printf "%.1fx", f/e}')"

# (c) Throughput, and (e) its peak RSS: --jobs 1 and 2 alternated.
one=() two=() rss1=0 rss2=0
for _ in $(seq "$runs"); do
  read -r t m < <(measure "$bin" check --format json --as-of "$as_of" --jobs 1 "$dir/corpus")
  one+=("$t"); rss1=$m
  read -r t m < <(measure "$bin" check --format json --as-of "$as_of" --jobs 2 "$dir/corpus")
  two+=("$t"); rss2=$m
done
t1=$(printf '%s\n' "${one[@]}" | median)
t2=$(printf '%s\n' "${two[@]}" | median)
row "(c) throughput" "$count files, --jobs 1 → 2" "${t1} s → ${t2} s" "$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2fx", a/b}')"
row "(e) peak RSS" "$count files, --jobs 1 / 2" "$((rss1 / 1024)) MB / $((rss2 / 1024)) MB" "-"
half=$dir/corpus-half
if [ ! -d "$half" ]; then
  mkdir -p "$half"
  find "$dir/corpus" -type f -name '*.*' ! -name MANIFEST.json | sort | awk 'NR % 2 == 0' | while read -r f; do
    rel=${f#"$dir/corpus/"}; mkdir -p "$half/$(dirname "$rel")"; ln "$f" "$half/$rel" 2>/dev/null || cp "$f" "$half/$rel"
  done
fi
read -r _ mh < <(measure "$bin" check --format json --as-of "$as_of" --jobs 2 "$half")
row "(e) peak RSS" "$((count / 2)) → $count files, --jobs 2" "$((mh / 1024)) MB → $((rss2 / 1024)) MB" "$(awk -v a="$mh" -v b="$rss2" 'BEGIN{printf "%.2fx", b/a}')"

# (d) Large files.
for kind in plan arm; do
  first=""
  for mb in $mbs; do
    read -r t m < <(measure "$bin" check --format json --as-of "$as_of" "$dir/$kind$mb.json")
    [ -n "$first" ] || first="$mb $t"
    ratio=$(awk -v f="$first" -v mb="$mb" -v t="$t" 'BEGIN{split(f, a, " "); printf "%.2fx time for %.1fx size", t/a[2], mb/a[1]}')
    row "(d) large $kind" "$mb MB" "$t s, $((m / 1024)) MB peak ($(awk -v m="$m" -v mb="$mb" 'BEGIN{printf "%.1f", m/1024/mb}')x the file)" "$ratio"
  done
done
if [ "${BENCH_CALLGRIND:-0}" = 1 ]; then
  for mb in $mbs; do
    [ "$mb" -le 20 ] || continue
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.plan$mb" "$bin" check --format json --as-of "$as_of" \
      --jobs 1 "$dir/plan$mb.json" >/dev/null 2>"$out/callgrind.plan$mb.log" || true
    ir=$(grep -o 'Collected : [0-9]*' "$out/callgrind.plan$mb.log" | grep -o '[0-9]*$' || echo "?")
    row "(d) large plan, callgrind" "$mb MB" "$ir instructions" "-"
  done
fi
echo "bench: table written to $table" >&2
