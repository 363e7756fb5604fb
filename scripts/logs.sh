#!/usr/bin/env bash
# ./bookstore logs [-n LINES] [--no-follow] [component...]: the log files under .run/logs/ (all of them
# by default), followed like tail -F.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

log_dir="$BS_ROOT/.run/logs"
lines=50
follow=(-F)
names=()
while (($#)); do
  case "$1" in
    -n) lines=$2; shift ;;
    --no-follow) follow=() ;;
    -h | --help)
      echo "usage: ./bookstore logs [-n LINES] [--no-follow] [component...]"
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
exec tail -n "$lines" "${follow[@]}" -- "${files[@]}"
