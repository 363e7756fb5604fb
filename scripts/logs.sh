#!/usr/bin/env bash
# ./bookstore logs [-n LINES] [--no-follow] [--dir DIR] [component...]: the log files under .run/logs/
# (all of them by default), followed like tail -F.
# ./bookstore logs --trace ID [--dir DIR] [component...]: every line of one trace (the trace_id that the
# gateway's access log line shows for a request), from every component's log, in time order.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

log_dir="$BS_ROOT/.run/logs"
lines=50
follow=(-F)
trace=""
names=()
while (($#)); do
  case "$1" in
    -n) lines=$2; shift ;;
    --no-follow) follow=() ;;
    --trace) trace=${2:-}; shift ;;
    --dir) log_dir=$(realpath -m -- "${2:-}"); shift ;;
    -h | --help)
      echo "usage: ./bookstore logs [-n LINES] [--no-follow] [--dir DIR] [component...]"
      echo "       ./bookstore logs --trace TRACE_ID [--dir DIR] [component...]"
      echo "--dir: another folder of logs, e.g. .run/test/logs (default .run/logs)"
      echo "components: auth catalog orders gateway web mariadb rabbitmq epmd (files in .run/logs/)"
      exit 0
      ;;
    -*) die "unknown option '$1'" ;;
    *) names+=("$1") ;;
  esac
  shift
done

[[ -d "$log_dir" ]] || die "no logs yet (${log_dir#"$BS_ROOT"/} does not exist; run ./bookstore up)"
files=()
if ((${#names[@]} == 0)); then
  files=("$log_dir"/*.log)
else
  for name in "${names[@]}"; do
    [[ -f "$log_dir/$name.log" ]] || die "no log for '$name'; there are: $(cd "$log_dir" && ls -- *.log | sed 's/\.log$//' | tr '\n' ' ')"
    files+=("$log_dir/$name.log")
  done
fi
if [[ -n "$trace" ]]; then
  [[ "$trace" =~ ^[0-9a-f]{32}$ ]] || die "a trace id is 32 lower-case hex digits (the trace_id field of a log line)"
  # Every line starts with {"time":"<RFC 3339, milliseconds, UTC>": the fourth '"'-separated field sorts
  # in time order; -s keeps each file's own order within a millisecond.
  grep -h -F -- "\"trace_id\":\"$trace\"" "${files[@]}" | sort -s -t '"' -k4,4 || die "no line of trace $trace in ${log_dir#"$BS_ROOT"/}"
  exit 0
fi
exec tail -n "$lines" "${follow[@]}" -- "${files[@]}"
