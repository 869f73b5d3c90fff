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
unformatted=()
for file in "${files[@]}"; do
  [[ -f "$file" ]] || continue
  if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then unformatted+=("$file"); fi
done
if ((${#unformatted[@]})); then
  echo "not clang-formatted (${#unformatted[@]} files):"
  printf '  %s\n' "${unformatted[@]}"
  echo "fix with: clang-format -i <file>..."
  exit 1
fi
echo "all ${#files[@]} C++ files are clang-formatted"
