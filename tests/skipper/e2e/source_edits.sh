# Sourced by the e2e scenarios: edits that change a function's compiled
# code, and which tests' first-run coverage reached the edited code.

# function_lines FILE PATTERN: "FIRST LAST" of the function whose definition
# starts at the first line matching PATTERN (awk regex) and ends at the
# brace closing it at the same indentation.
function_lines() {
  awk -v pattern="$2" '
    start == 0 && $0 ~ pattern { start = NR; match($0, /^ */); indent = RLENGTH; next }
    start > 0 { match($0, /^ */); if (RLENGTH == indent && substr($0, indent + 1) == "}") { print start, NR; exit } }
  ' "$1"
}

# edit_function FILE LINE: after the first line matching LINE (sed regex,
# the line opening the body), adds a volatile store the optimizer keeps: the
# function's code changes, not what it computes. Each call stores another
# value, so editing twice changes the code twice.
edit_function() {
  source_edits=$((${source_edits:-0} + 1))
  sed -i "0,/$2/s//&\n  { volatile int itr_edited = $source_edits; (void)itr_edited; }/" "$1"
  grep -q "itr_edited = $source_edits;" "$1"
}

# tests_covering_in EXPORT FILE [FIRST LAST]: the tests (export keys) whose
# coverage in EXPORT has a line of FILE, within [FIRST, LAST] when given.
# Inlined copies count: lines come from DWARF.
tests_covering_in() {
  python3 - "$@" <<'PY'
import json, sys
export, path = sys.argv[1], sys.argv[2]
first, last = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (0, 1 << 62)
tests = set()
for line in open(export):
    record = json.loads(line)
    if record.get("test") and any(first <= n <= last
                                  for n in record.get("files", {}).get(path, [])):
        tests.add(record["test"])
print("\n".join(sorted(tests)))
PY
}
