# Shared helpers for the scripts behind ./bookstore. Sourced, never run.
# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this

BS_ROOT="${BS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BS_SCRIPTS="$BS_ROOT/scripts"
# /usr/bin/python3 sees Debian's python3-* packages; a python3 earlier on PATH may not.
BS_PYTHON=/usr/bin/python3

if [[ -t 1 ]]; then
  _bs_bold=$'\e[1m' _bs_red=$'\e[31m' _bs_yellow=$'\e[33m' _bs_green=$'\e[32m' _bs_reset=$'\e[0m'
else
  _bs_bold='' _bs_red='' _bs_yellow='' _bs_green='' _bs_reset=''
fi

say() { printf '%s==>%s %s\n' "$_bs_bold" "$_bs_reset" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_bs_yellow" "$_bs_reset" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "$_bs_red" "$_bs_reset" "$*" >&2
  exit 1
}
green() { printf '%s%s%s' "$_bs_green" "$*" "$_bs_reset"; }
red() { printf '%s%s%s' "$_bs_red" "$*" "$_bs_reset"; }

now_ms() { date +%s%3N; }

# poll_until <seconds> <command...>: runs the command every 0.1 s until it succeeds (0) or the deadline
# passes (1).
poll_until() {
  local seconds=$1
  shift
  local deadline=$(($(now_ms) + seconds * 1000))
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.1
  done
}

# pid_alive <pid>: the process exists and is not a zombie waiting to be reaped.
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z ]]
}
pid_dead() { ! pid_alive "$1"; }

# read_pid <file>: the pid stored in a pid file, or nothing.
read_pid() {
  [[ -s "$1" ]] || return 0
  local pid
  pid=$(tr -dc '0-9' <"$1")
  [[ -n "$pid" ]] && echo "$pid"
  return 0
}

# stop_pid <pid> <name> [seconds]: SIGTERM, wait up to the deadline, then SIGKILL. Returns once the
# process is gone.
stop_pid() {
  local pid=$1 name=$2 seconds=${3:-${BOOKSTORE_STOP_TIMEOUT:-20}}
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! poll_until "$seconds" pid_dead "$pid"; then
    warn "$name (pid $pid) did not stop within ${seconds}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    poll_until 10 pid_dead "$pid" || warn "$name (pid $pid) survived SIGKILL"
  fi
}

# pid_runs <pid> <path>: the process exists and runs <path>, as its executable or, for a script, as an
# argument of its interpreter (guards against pid reuse).
pid_runs() {
  local pid=$1 path=$2 exe
  pid_alive "$pid" || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ "$exe" == "$path" || "$exe" == "$path (deleted)" ]] && return 0
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$path"
}

# port_open <port> [host]: something accepts TCP connections there.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/${2:-127.0.0.1}/$1" 2>/dev/null
}
port_closed() { ! port_open "$@"; }

# http_ok <url>: GET answers 2xx.
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# gen_secret: 32 random characters, safe in URLs and config files (base64url alphabet).
gen_secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# ensure_secret <file>: creates the file with a generated secret (mode 600) when missing; prints it.
ensure_secret() {
  local file=$1
  if [[ ! -s "$file" ]]; then
    mkdir -p "$(dirname "$file")"
    chmod 700 "$(dirname "$file")"
    (umask 077 && gen_secret >"$file")
  fi
  cat "$file"
}

# as_root <command...>: runs a command as root, through sudo when needed.
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run '$*' and sudo is not installed; run it as root once"
  fi
}

# ensure_packages: installs every package of scripts/packages.txt that is missing (apt-get update only
# when something is). A line `name ?cmd` means: only when the command cmd is not already on PATH.
ensure_packages() {
  local line pkg cmd wanted=() missing=()
  while read -r line; do
    line=${line%%#*}
    read -r pkg cmd <<<"$line"
    [[ -n "${pkg:-}" ]] || continue
    if [[ "${cmd:-}" == \?* ]] && command -v "${cmd#\?}" >/dev/null; then
      continue
    fi
    wanted+=("$pkg")
  done <"$BS_SCRIPTS/packages.txt"
  local installed
  installed=" $({ dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true; } |
    awk '$NF == "installed" && $(NF-1) == "ok" {print $1}' | tr '\n' ' ') "
  for pkg in "${wanted[@]}"; do
    [[ "$installed" == *" $pkg "* ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing missing packages: ${missing[*]}"
  local log="$BS_ROOT/.run/apt.log"
  mkdir -p "$BS_ROOT/.run"
  if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
    </dev/null >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "installing packages failed (full output in ${log#"$BS_ROOT"/})"
  fi
}

# Keep compiler and npm caches inside the checkout so builds are self-contained.
use_checkout_caches() {
  export CCACHE_DIR="${CCACHE_DIR:-$BS_ROOT/.cache/ccache}"
  export npm_config_cache="${npm_config_cache:-$BS_ROOT/.cache/npm}"
  mkdir -p "$CCACHE_DIR" "$npm_config_cache"
}

build_jobs() { echo "${BOOKSTORE_JOBS:-$(nproc)}"; }

# cmake_build <build dir> <build type> [extra cmake -D options...]: configure (cheap when nothing changed,
# and it picks up changed options), then build (only the targets BS_BUILD_TARGETS names, when set).
cmake_build() {
  local dir=$1 type=$2
  shift 2
  use_checkout_caches
  mkdir -p "$dir"
  local started
  started=$(now_ms)
  say "configuring ${dir#"$BS_ROOT"/} ($type)"
  if ! cmake -S "$BS_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >"$dir/configure.log" 2>&1; then
    cat "$dir/configure.log" >&2
    return 1
  fi
  local targets=()
  read -r -a targets <<<"${BS_BUILD_TARGETS:-}"
  say "building ${dir#"$BS_ROOT"/}${BS_BUILD_TARGETS:+ ($BS_BUILD_TARGETS)} with $(build_jobs) jobs"
  cmake --build "$dir" -j "$(build_jobs)" ${targets[@]:+--target "${targets[@]}"} || return 1
  say "build done in $((($(now_ms) - started) / 1000))s"
}

# The sanitizer build: clang with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's
# instrumentation (BOOKSTORE_BUILD_FUZZ, cmake/Warnings.cmake). The fuzz targets (./bookstore fuzz) and the
# sanitize stage of ./bookstore test (the ctest binaries) come from this one tree, on epoll
# (BOOKSTORE_ASIO_IO_URING=OFF; README "Event loop: io_uring"): the other builds run on io_uring, so the
# unit tests pass on both of Asio's backends in every run.
BS_SANITIZE_BUILD_DIR="$BS_ROOT/build/sanitize"
BS_CLANG=clang++-14

# sanitize_build [target...]: configures and builds build/sanitize, only the given targets (all when none:
# that includes the services' executables). One build at a time (./bookstore fuzz and test may overlap).
sanitize_build() {
  command -v "$BS_CLANG" >/dev/null || die "$BS_CLANG is not installed (scripts/packages.txt)"
  mkdir -p "$BS_ROOT/.run"
  (
    flock 8 || exit 1
    BS_BUILD_TARGETS="$*" cmake_build "$BS_SANITIZE_BUILD_DIR" Debug -DCMAKE_CXX_COMPILER="$BS_CLANG" \
      -DBOOKSTORE_BUILD_FUZZ=ON -DBOOKSTORE_BUILD_TESTS=ON -DBOOKSTORE_BUILD_BENCH=OFF -DBOOKSTORE_ASIO_IO_URING=OFF
  ) 8>"$BS_ROOT/.run/sanitize-build.lock"
}

# The sanitizers' run-time settings for what build/sanitize made: the first error ends the process with a
# symbolized stack (leaks included); a caller's own ASAN_OPTIONS / UBSAN_OPTIONS win.
sanitizer_env() {
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/bin/llvm-symbolizer-14}"
}
