#!/usr/bin/env bash
# Fails if any C++ file of the tree is not as clang-format (with .clang-format) writes it,
# listing the files. Fix with: clang-format -i $(git ls-files '*.cc' '*.h')
set -euo pipefail
root="${1:?usage: format_check.sh SOURCE_DIR}"
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cc' '*.h')
else
  mapfile -t files < <(find . -path ./build -prune -o \( -name '*.cc' -o -name '*.h' \) -print)
fi
# One clang-format process for every file (one per file took a minute of the suite): its
# --dry-run reports each unformatted file as "FILE:LINE:COL: error: code should be
# clang-formatted"; any other failure is printed as it is.
existing=()
for file in "${files[@]}"; do [[ -f "$file" ]] && existing+=("$file"); done
status=0
report="$(printf '%s\0' "${existing[@]}" |
  xargs -0 clang-format --dry-run --Werror 2>&1 >/dev/null)" || status=$?
mapfile -t unformatted < <(grep -E ': error: code should be clang-formatted' <<<"$report" |
  cut -d: -f1 | sort -u)
if ((status != 0 && ${#unformatted[@]} == 0)); then
  echo "clang-format failed (exit $status):"
  echo "$report"
  exit 1
fi
if ((${#unformatted[@]})); then
  echo "not clang-formatted (${#unformatted[@]} files):"
  printf '  %s\n' "${unformatted[@]}"
  echo "fix with: clang-format -i <file>..."
  exit 1
fi
echo "all ${#files[@]} C++ files are clang-formatted"
