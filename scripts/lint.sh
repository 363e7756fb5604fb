#!/usr/bin/env bash
# ./bookstore lint: the rules the repository declares, enforced. Two checks:
#   format  clang-format --dry-run over every C++ file of the repository (.clang-format); fast
#   tidy    clang-tidy (.clang-tidy, warnings are errors) over the C++ files a change touches: the
#           commits since --base (default: the last commit) and uncommitted changes. A changed header is
#           checked through the .cpp files of its folder. --all checks every file the g++ build compiles
#           (the clang-only fuzz targets are not in its compile database); slow on two cores: 15-25 minutes.
# Needs a configured build with compile_commands.json (build/test, made by ./bookstore test).
set -uo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
usage: ./bookstore lint [--all] [--base REV] [--build-dir DIR] [--junit FILE]

  --all             clang-tidy over every C++ file (default: the files changed since --base)
  --base REV        the commit the change starts from [HEAD~1]
  --build-dir DIR   where compile_commands.json is [build/test]
  --junit FILE      also write the outcome of each check as JUnit XML (./bookstore test does)
EOF
}

all=0
base=HEAD~1
build_dir="$BS_ROOT/build/test"
junit=""
while (($#)); do
  case "$1" in
    --all) all=1 ;;
    --base) base=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --junit) junit=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done
cd "$BS_ROOT" || die "no checkout at $BS_ROOT"
command -v clang-format >/dev/null || die "clang-format is not installed (scripts/packages.txt)"
command -v clang-tidy >/dev/null || die "clang-tidy is not installed (scripts/packages.txt)"

# The repository's own C++ files (never generated code, never node_modules).
cpp_files() { git ls-files -- '*.cpp' '*.h' | grep -v '/node_modules/'; }

check_format() {
  local out
  out=$(cpp_files | xargs clang-format --dry-run -Werror 2>&1)
  [[ -z "$out" ]] && return 0
  printf '%s\n' "$out" | grep -E '^[^ ].*: error:' | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /'
  echo "  fix: clang-format -i <file> (the repository's .clang-format)"
  return 1
}

# The .cpp files to give clang-tidy: changed ones, and for a changed header the .cpp files beside it.
tidy_sources() {
  local changed file
  if ((all)); then
    changed=$(cpp_files | grep '\.cpp$')
  else
    changed=$({
      git diff --name-only --diff-filter=d "$base" -- '*.cpp' '*.h' 2>/dev/null ||
        git diff --name-only --diff-filter=d HEAD -- '*.cpp' '*.h'
      git ls-files --others --exclude-standard -- '*.cpp' '*.h'
    } | sort -u)
  fi
  for file in $changed; do
    [[ -f "$file" && "$file" != */node_modules/* ]] || continue
    case "$file" in
      *.cpp) echo "$file" ;;
      *.h) find "$(dirname "$file")" -maxdepth 1 -name '*.cpp' ;;
    esac
  done | sort -u | while read -r file; do
    # Only what the build compiles (a file outside every target has no compile command; the fuzz
    # targets are built by the clang tree alone, so --all leaves them out too).
    grep -q "\"file\": \"$BS_ROOT/$file\"" "$tidy_dir/compile_commands.json" && echo "$file"
  done
}

check_tidy() {
  [[ -s "$build_dir/compile_commands.json" ]] || {
    echo "  no $build_dir/compile_commands.json: build first (./bookstore test builds build/test)"
    return 1
  }
  # The build's commands one per source file (unity batches split) and without g++'s precompiled header.
  local tidy_dir="$build_dir/clang-tidy"
  mkdir -p "$tidy_dir"
  /usr/bin/python3 "$BS_ROOT/scripts/lib/per_file_compile_db.py" "$build_dir/compile_commands.json" \
    "$tidy_dir/compile_commands.json" || return 1
  local sources
  mapfile -t sources < <(tidy_sources)
  if ((${#sources[@]} == 0)); then
    echo "  no C++ file changed since $base"
    return 0
  fi
  say "clang-tidy over ${#sources[@]} file(s)"
  # g++-only warning flags of the build are unknown to clang: not a finding.
  local out rc
  out=$(printf '%s\n' "${sources[@]}" | xargs -P "$(build_jobs)" -n 4 clang-tidy -p "$tidy_dir" --quiet \
    --extra-arg=-Wno-unknown-warning-option 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -E 'error:|warning:' | grep -v 'warnings generated' | sort -u
  return "$rc"
}

write_junit() {
  local file=$1 name rc
  shift
  mkdir -p "$(dirname "$file")"
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<testsuite name="lint">'
    while (($#)); do
      name=$1 rc=$2
      shift 2
      if ((rc == 0)); then
        echo "  <testcase classname=\"lint\" name=\"$name\"/>"
      else
        echo "  <testcase classname=\"lint\" name=\"$name\"><failure message=\"$name found problems (see the output above)\"/></testcase>"
      fi
    done
    echo '</testsuite>'
  } >"$file"
}

say "clang-format over every C++ file"
check_format
format_rc=$?
((format_rc == 0)) && echo "  every file is formatted"
check_tidy
tidy_rc=$?
((tidy_rc == 0)) && echo "  clang-tidy: no findings"
[[ -n "$junit" ]] && write_junit "$junit" format "$format_rc" tidy "$tidy_rc"
((format_rc == 0 && tidy_rc == 0))
