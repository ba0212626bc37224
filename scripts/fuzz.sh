#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each (default 60s),
# then keeps what it found: Go stores the inputs a run found interesting
# in its build cache, which nobody else sees and `go clean -cache`
# empties; copied into the package's testdata/fuzz/FuzzX/, they are run
# by every `go test` as seeds, so what one run learnt holds the code to
# it from then on. Targets are found by their `func FuzzX(` lines, so a
# new one is fuzzed without being listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
go=${GO:-go}
cache=$($go env GOCACHE)/fuzz
module=$($go list -m)

grep -rl --include='*_test.go' -E '^func Fuzz[A-Z][A-Za-z0-9_]*\(' . | sort | while read -r file; do
  dir=$(dirname "$file")
  pkg=$module/${dir#./}
  for target in $(grep -oE '^func Fuzz[A-Z][A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "fuzz: $target in $pkg for $fuzztime"
    $go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" "$dir"
    found=$cache/$pkg/$target
    keep=$dir/testdata/fuzz/$target
    if [ -d "$found" ]; then
      mkdir -p "$keep"
      before=$(find "$keep" -type f | wc -l)
      # The names are hashes of the inputs: an input kept before is
      # not copied again. (Not cp -n, whose exit status for a skipped
      # file differs between coreutils releases.)
      for f in "$found"/*; do
        [ -e "$keep/${f##*/}" ] || cp "$f" "$keep/"
      done
      after=$(find "$keep" -type f | wc -l)
      echo "fuzz: $target: kept $((after - before)) new inputs in $keep ($after in all)"
    fi
  done
done
