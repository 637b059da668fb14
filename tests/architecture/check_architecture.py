#!/usr/bin/env python3
"""Checks the rules of docs/architecture.md against the sources.

- Layers: every #include "skipper/<folder>/..." or "itr/..." (a public
  runtime header) in a folder's sources names the folder itself or one its
  row of the layer table allows.
- Only the store's headers include <sqlite3.h>.
- No function in skipper/ and cli/ is longer than 80 lines (namespace-level
  definitions, whose closing brace stands in column 0, as Google style
  formats them).
Usage: check_architecture.py <source dir> [max function lines]
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
doc = (root / "docs" / "architecture.md").read_text()

allowed = {}
for line in doc.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 3 or not (cells[0] in ("runtime", "cli") or
                               cells[0].startswith("skipper/")):
        continue
    folder = cells[0].removeprefix("skipper/")
    allowed[folder] = {c.strip() for c in cells[2].split(",") if c.strip()}

if len(allowed) < 20:
    sys.exit(f"FAIL: found only {len(allowed)} rows in docs/architecture.md")

include = re.compile(r'#include "(skipper/([a-z0-9_]+)/|itr/)')
runtime_include = root / "runtime/include/itr"
public_runtime = {str(p.relative_to(runtime_include))
                  for p in runtime_include.rglob("*.h*")}
failures = 0
for folder, may in allowed.items():
    base = root / ("skipper/" + folder if folder not in ("runtime", "cli")
                   else folder)
    for source in sorted(base.rglob("*")):
        if source.suffix not in (".h", ".hpp", ".cc", ".cpp"):
            continue
        for number, text in enumerate(source.read_text().splitlines(), 1):
            m = include.search(text)
            if not m:
                continue
            if m.group(2):
                target = m.group(2)
            else:
                header = text.split('"')[1].removeprefix("itr/")
                # Headers of a folder's own include/itr/ count as itself.
                if (base / "include/itr" / header).exists():
                    continue
                if header not in public_runtime:
                    continue  # a framework's or another library's header
                target = "runtime"
            if target != folder and target not in may:
                print(f"FAIL {source.relative_to(root)}:{number}: "
                      f"{folder} may not include {target}")
                failures += 1
print(f"{'FAIL' if failures else 'PASS'} layers: {len(allowed)} folders, "
      f"{failures} violations")


def sources(*folders):
    for folder in folders:
        for source in sorted((root / folder).rglob("*")):
            if source.suffix in (".h", ".hpp", ".cc", ".cpp"):
                yield source


sqlite = 0
for header in sources("skipper"):
    if header.suffix != ".h" or header.parent.name == "store":
        continue
    if "#include <sqlite3.h>" in header.read_text():
        print(f"FAIL {header.relative_to(root)}: includes <sqlite3.h> "
              "(only the store's headers may)")
        sqlite += 1
print(f"{'FAIL' if sqlite else 'PASS'} sqlite3.h stays in skipper/store")

MAX_LINES = int(sys.argv[2]) if len(sys.argv) > 2 else 80
signature_start = re.compile(r"^[A-Za-z_~].*\(")
long_functions = 0
for source in sources("skipper", "cli"):
    lines = source.read_text().splitlines()
    start = None       # line of the opening brace
    in_signature = False
    for number, text in enumerate(lines, 1):
        if start is None:
            if not in_signature:
                in_signature = bool(signature_start.match(text)) and \
                    not text.startswith(("namespace", "class ", "struct ",
                                         "enum ", "extern", "using ",
                                         "typedef", "return"))
            if in_signature:
                if ";" in text and not text.rstrip().endswith("{"):
                    in_signature = False  # a declaration
                elif text.rstrip().endswith("{"):
                    start, in_signature = number, False
        elif text == "}":
            if number - start - 1 > MAX_LINES:
                print(f"FAIL {source.relative_to(root)}:{start}: function of "
                      f"{number - start - 1} lines (at most {MAX_LINES})")
                long_functions += 1
            start = None
print(f"{'FAIL' if long_functions else 'PASS'} functions of at most "
      f"{MAX_LINES} lines")
sys.exit(1 if failures or sqlite or long_functions else 0)
