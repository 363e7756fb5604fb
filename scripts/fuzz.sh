#!/usr/bin/env bash
# ./bookstore fuzz [target...]: builds the libFuzzer targets of fuzz/ in build/sanitize (clang, ASan,
# UBSan) and runs each for a while, one after the other, from its committed seed corpus fuzz/corpus/<target>/
# plus a scratch corpus under .run/fuzz/<target>/corpus (kept between runs, so they build on each other).
# Prints executions per second, total executions and whether anything crashed; a crash, a sanitizer
# report, a leak, a timeout or running out of memory leaves the input under .run/fuzz/<target>/crashes/ and
# makes the exit status non-zero. The sanitize stage of ./bookstore test runs this with --seconds 30.
set -uo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

targets_available() {
  local file
  for file in "$BS_ROOT"/fuzz/*.cpp; do
    file=${file##*/}
    echo "${file%.cpp}"
  done
}

usage() {
  cat <<EOF
usage: ./bookstore fuzz [target...] [options] [-- libFuzzer flags...]

Targets (default: all): $(targets_available | tr '\n' ' ')
  --seconds N       how long each target runs [600]
  --no-build        use build/sanitize as it is (no package check, no build)
  --work-dir DIR    scratch corpora, logs and crashes [.run/fuzz]
  --junit FILE      also write one JUnit test case per target (a crash is a failure)
  --list            print the targets and exit
  -h, --help        this text
Flags after -- go to every fuzzer (e.g. -- -max_len=512 -only_ascii=1).

Reproduce a crash: build/sanitize/fuzz/<target>_fuzzer <crash file>; the fix's regression test is that
file copied into fuzz/corpus/<target>/ (docs/development.md, "Fuzzing").
EOF
}

seconds=600
build=1
work_dir="$BS_ROOT/.run/fuzz"
junit=""
chosen=()
extra=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift ;;
    --no-build) build=0 ;;
    --work-dir) work_dir=$2; shift ;;
    --junit) junit=$2; shift ;;
    --list) targets_available; exit 0 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) usage >&2; die "unknown option '$1'" ;;
    *)
      targets_available | grep -qxF -- "$1" || die "unknown fuzz target '$1' (./bookstore fuzz --list)"
      chosen+=("$1")
      ;;
  esac
  shift
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "--seconds takes a positive number of seconds"
((${#chosen[@]})) || mapfile -t chosen < <(targets_available)

if ((build)); then
  ensure_packages || die "installing packages failed"
  sanitize_build bookstore_fuzzers || die "building the fuzz targets failed"
fi
sanitizer_env

mkdir -p "$work_dir"
results="$work_dir/results.tsv"
: >"$results"
failed=0

# fuzz_stat <name> <log>: a value of libFuzzer's final statistics (-print_final_stats=1), or "".
fuzz_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

for target in "${chosen[@]}"; do
  binary="$BS_SANITIZE_BUILD_DIR/fuzz/${target}_fuzzer"
  [[ -x "$binary" ]] || die "$binary is missing: build it (./bookstore fuzz without --no-build)"
  dir="$work_dir/$target"
  mkdir -p "$dir/corpus" "$dir/crashes"
  log="$dir/fuzz.log"
  say "fuzzing $target for ${seconds}s (seeds: fuzz/corpus/$target, log: ${log#"$BS_ROOT"/})"
  started=$(now_ms)
  # The scratch corpus comes first: new inputs are written there, never into the committed seeds.
  "$binary" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/crashes/" "${extra[@]}" "$dir/corpus" "$BS_ROOT/fuzz/corpus/$target" \
    >"$log" 2>&1 9>&-
  rc=$?
  ran=$(((($(now_ms) - started) + 500) / 1000))
  execs=$(fuzz_stat number_of_executed_units "$log")
  rate=$(fuzz_stat average_exec_per_sec "$log")
  new_units=$(fuzz_stat new_units_added "$log")
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  if ((rc == 0)) && [[ -z "$artifact" ]]; then
    status=ok
  else
    status=CRASH
    failed=1
    red "$target: crashed (exit $rc)"
    echo
    # The report: from the sanitizer's or the invariant's first line on.
    awk '/==[0-9]+==ERROR|runtime error:|invariant failed|deadly signal|ERROR: libFuzzer/ {found=1} found' \
      "$log" | head -n 80
    [[ -n "$artifact" ]] && echo "input: ${artifact#"$BS_ROOT"/}"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$ran" "${rate:-0}" "${execs:-0}" "${new_units:-0}" \
    "$status" "$log" "$artifact" >>"$results"
done

echo
printf '%-14s %8s %9s %12s %6s  %s\n' target seconds exec/s execs new result
while IFS=$'\t' read -r target ran rate execs new_units status _ _; do
  printf '%-14s %8s %9s %12s %6s  %s\n' "$target" "$ran" "$rate" "$execs" "$new_units" "$status"
done <"$results"

if [[ -n "$junit" ]]; then
  mkdir -p "$(dirname "$junit")"
  "$BS_PYTHON" - "$results" "$junit" <<'EOF'
"""One JUnit test case per fuzz target of results.tsv; a crash is a <failure> carrying the report."""
import re
import sys
import xml.etree.ElementTree as ET

results, out = sys.argv[1], sys.argv[2]
suite = ET.Element("testsuite", name="fuzz")
failures = 0
for line in open(results, encoding="utf-8"):
    target, ran, rate, execs, new_units, status, log, artifact = line.rstrip("\n").split("\t")
    case = ET.SubElement(suite, "testcase", classname="fuzz", name=target, time=ran)
    summary = f"{ran} s, {rate} exec/s, {execs} executions, {new_units} new inputs"
    ET.SubElement(case, "system-out").text = summary
    if status != "ok":
        failures += 1
        text = open(log, encoding="utf-8", errors="replace").read()
        match = re.search(r"==\d+==ERROR|runtime error:|invariant failed|deadly signal|ERROR: libFuzzer", text)
        report = text[match.start():][:8000] if match else text[-8000:]
        # XML 1.0 cannot carry most control characters, which a report may quote from the input.
        report = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", report)
        failure = ET.SubElement(case, "failure", message=f"{target} crashed; input: {artifact or 'none'}")
        failure.text = report
suite.set("tests", str(len(suite)))
suite.set("failures", str(failures))
ET.ElementTree(suite).write(out, encoding="utf-8", xml_declaration=True)
EOF
fi
exit "$failed"
