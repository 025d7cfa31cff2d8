#!/usr/bin/env python3
"""Compares the text outputs of two sets of executed notebooks, cell by cell.

Usage: compare_outputs.py BEFORE_DIR AFTER_DIR [NOTEBOOK ...]

For each notebook it lists, in order, every text a code cell printed or displayed (stream text and
text/plain), then reports the lines that differ. Cells are matched by their order among cells with
output, so a refactor that moves code between cells but prints the same lines in the same order
compares equal. Numbers that are timings differ from run to run; read those lines yourself.
"""
import difflib
import json
import pathlib
import sys


def text_lines(path: pathlib.Path) -> list[str]:
    nb = json.loads(path.read_text())
    lines: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = "".join(out.get("text", ""))
            elif "data" in out and "text/plain" in out["data"]:
                text = "".join(out["data"]["text/plain"])
            elif out.get("output_type") == "error":
                text = f"ERROR {out.get('ename')}: {out.get('evalue')}"
            else:
                continue
            lines.extend(text.rstrip("\n").split("\n"))
    return lines


def main() -> int:
    before, after = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    names = sys.argv[3:] or sorted(p.name for p in before.glob("*.ipynb"))
    differing = 0
    for name in names:
        a, b = text_lines(before / name), text_lines(after / name)
        diff = list(difflib.unified_diff(a, b, "before/" + name, "after/" + name, n=0, lineterm=""))
        status = "same" if not diff else f"{sum(1 for d in diff if d.startswith('+') and not d.startswith('+++'))} lines differ"
        print(f"{name}: {len(a)} lines before, {len(b)} after: {status}")
        for d in diff:
            print("   ", d)
        differing += bool(diff)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
