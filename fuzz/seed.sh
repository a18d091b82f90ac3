#!/bin/sh
# Builds fuzz/corpus/<target>/ from the repository's own inputs (the corpus directory is
# not committed; libFuzzer adds what it finds there). Run from anywhere; idempotent.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
corpus="$fuzz/corpus"
mkdir -p "$corpus/parse_text" "$corpus/render_markdown" "$corpus/compare" "$corpus/manifest" "$corpus/record" "$corpus/view"

for f in "$root"/policy/*.txt "$root"/policy/versions/*.txt "$root"/tests/fixtures/*.txt "$root"/tests/hostile/*.txt; do
    [ -f "$f" ] && cp "$f" "$corpus/parse_text/"
done
for f in "$root"/tests/fixtures/*.md "$root"/tests/hostile/*.md "$root"/tests/e2e/pages/*.md; do
    [ -f "$f" ] && cp "$f" "$corpus/render_markdown/"
done
# compare: one flag byte (bit 0: old is Markdown, bit 1: new is Markdown), old, NUL, new.
v="$root/policy/versions"
pair() { # name flags old new
    { printf "\\$(printf %03o "$2")"; cat "$3"; printf '\000'; cat "$4"; } > "$corpus/compare/$1"
}
pair 2026-05_2026-11 0 "$v/2026-05.txt" "$v/2026-11.txt"
pair 2026-11_2027-01 0 "$v/2026-11.txt" "$v/2027-01.txt"
pair 2027-01_2026-05 0 "$v/2027-01.txt" "$v/2026-05.txt"
pair mozilla-websites-policy 3 "$root/tests/fixtures/mozilla-en-websites_privacy_notice.md" "$root/tests/fixtures/mozilla-en-mozilla_privacy_policy.md"
pair text-markdown 2 "$root/policy/privacy-policy.txt" "$root/tests/fixtures/mozilla-en-mozilla_privacy_policy.md"

for f in "$root"/policy/*.json "$root"/tests/hostile/manifests/*.json; do
    [ -f "$f" ] && cp "$f" "$corpus/manifest/"
done
for f in "$root"/tests/hostile/records/*.json; do
    [ -f "$f" ] && cp "$f" "$corpus/record/"
done
# view: the demo's rendering made ahead (a real one, so mutations start from valid JSON).
cp "$root/policy/privacy-policy.view.json" "$corpus/view/"
echo "seeded $(find "$corpus" -type f | wc -l) files under $corpus"
