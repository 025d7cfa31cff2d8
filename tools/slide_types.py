#!/usr/bin/python3
"""Mark every notebook cell as a slide, subslide, fragment, note or skipped cell, by one written rule.

Usage: slide_types.py [--check] [NOTEBOOK ...]      (default: notebooks/NN_*.ipynb)

Writes `metadata.slideshow.slide_type` into each cell (the only cell metadata the notebooks carry)
and nothing else: sources, ids and the file's JSON layout stay as they are. The rule reads only the
cells' sources, never the metadata already there, so running it twice changes nothing. --check
writes nothing and exits 1 naming every cell whose committed type differs from the rule.

THE RULE (first match wins). A deck slide is 1280 x 720 px, room for about 22 lines of 20 px prose;
the rule fills a slide up to BUDGET = 18 estimated lines, the margin being for outputs it cannot
see in a clean notebook. Heights are estimated from the source: a prose line of up to 100 characters
is one line, a blank line half, a heading two; a code cell counts its lines up to CODE_CAP = 10
(the deck caps a taller code box and lets it scroll: the result under it is what the room reads)
plus OUTPUT_GUESS = 2 lines for what it prints. A chart counts CHART_LINES = 14.

  1. The first cell (title, "What you will learn")                        slide
  2. A code cell that prints the study time (`studyTime(`)                notes   (for the host)
  3. The parameters cell (`// Parameters`)                                notes   (for the host)
  4. A code cell before the first `## ` heading whose first line imports  skip    (setup)
  5. The last cell, a code cell that disposes tensors (and prints how
     many are left)                                                       skip    (teardown)
  6. A markdown cell with a level-2 heading (`## 1. …`, `## Summary`,
     `## Exercises`; headings inside ``` fences do not count)              slide
  7. A markdown cell that opens with `**Exercise` or `**Explore`          subslide (one per
                                                                          exercise, stacked under
                                                                          the Exercises slide)
  8. A code cell that draws a chart (calls a `…Chart(` helper)            subslide (the chart gets
                                                                          a screen of its own)
  9. The code cell right after a `PREDICTION_…` cell (it runs and checks
     the prediction)                                                      fragment (predict, then
                                                                          reveal)
 10. Any other cell joins the slide on screen while the slide's estimated
     height stays within BUDGET: markdown as `-`, code as `fragment` (the
     result appears on the next key press, under the text that asked for
     it); a cell that would overflow starts a subslide.

Long code cells are neither "notes" nor "skip": either would take their output (a chart, the
verdict table) off the slides. The deck shows them in a box capped at CODE_CAP lines instead.

tools/slides.py builds the deck from the committed types (a type edited by hand is honoured, and
--check reports it). For the deck only (`deck_parts`), a markdown cell whose level-2 heading is not
on its first line is split at each such heading: the text before the first heading (the reading of
the result above it) stays with the previous section by rule 10, and each heading starts a slide.
The committed type of such a cell is "slide" (rule 6), which is what nbconvert shows unsplit.
A cell taller than BUDGET on its own still makes a tall slide; the deck lets that slide scroll.
"""

import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
BUDGET = 18
CODE_CAP = 10
OUTPUT_GUESS = 2
CHART_LINES = 14
FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
H2 = re.compile(r"^## \S", re.M)
CHART_CALL = re.compile(r"\b[a-z]\w*Chart\(")


def source_of(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def h2_offsets(markdown):
    """Character offsets of the level-2 headings outside ``` fences."""
    fenced = [(m.start(), m.end()) for m in FENCE.finditer(markdown)]
    return [
        m.start() for m in H2.finditer(markdown)
        if not any(a <= m.start() < b for a, b in fenced)
    ]


def split_at_headings(markdown):
    """(prefix, [heading parts]): prefix is the text before the first level-2 heading ('' if none)."""
    offsets = h2_offsets(markdown)
    if not offsets:
        return markdown, []
    bounds = offsets + [len(markdown)]
    parts = [markdown[bounds[i]:bounds[i + 1]].strip("\n") for i in range(len(offsets))]
    return markdown[:offsets[0]].strip("\n"), parts


def markdown_lines(text):
    lines = 0.0
    for line in text.splitlines():
        if not line.strip():
            lines += 0.5
        elif line.startswith("#") and not line.startswith("#!"):
            lines += 2
        else:
            lines += max(1, math.ceil(len(line) / 100))
    return lines


def code_lines(text):
    return min(len(text.splitlines()), CODE_CAP) + OUTPUT_GUESS


def first_code_line(text):
    return next((l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("//")), "")


def plan(cells):
    """The deck, cell by cell: for each cell, (committed type, [(part text or None, deck type)]).

    A part text of None means the whole cell. Only markdown cells with a level-2 heading after their
    first line have more than one part.
    """
    first_h2 = next(
        (i for i, c in enumerate(cells) if c.get("cell_type") == "markdown" and h2_offsets(source_of(c))),
        len(cells),
    )
    out = []
    height = 0.0  # estimated lines on the slide being filled
    for i, cell in enumerate(cells):
        text = source_of(cell)
        previous_source = source_of(cells[i - 1]) if i else ""
        code = cell.get("cell_type") == "code"
        kind = None
        if i == 0:
            kind, height = "slide", markdown_lines(text) if not code else code_lines(text)
        elif code and "studyTime(" in text:
            kind = "notes"
        elif code and text.lstrip().startswith("// Parameters"):
            kind = "notes"
        elif code and i < first_h2 and first_code_line(text).startswith("import "):
            kind = "skip"
        elif code and i == len(cells) - 1 and ".dispose(" in text:
            kind = "skip"
        if kind is not None:
            out.append((kind, [(None, kind)]))
            continue

        if not code:
            prefix, headed = split_at_headings(text)
            if headed:
                parts = []
                if prefix:
                    prefix_kind, height = join_or_start(height, markdown_lines(prefix), "-")
                    parts.append((prefix, prefix_kind))
                for part in headed:
                    parts.append((part, "slide"))
                    height = markdown_lines(part)
                if len(parts) == 1:
                    parts = [(None, "slide")]  # the heading opens the cell: no split needed
                out.append(("slide", parts))
                continue
            if re.match(r"\*\*(Exercise|Explore)\b", text.lstrip()):
                height = markdown_lines(text)
                out.append(("subslide", [(None, "subslide")]))
                continue
            kind, height = join_or_start(height, markdown_lines(text), "-")
            out.append((kind, [(None, kind)]))
            continue

        if CHART_CALL.search(text):
            kind, height = "subslide", code_lines(text) + CHART_LINES
        elif re.search(r"^const PREDICTION_\w+\s*=", previous_source, re.M):
            kind, height = "fragment", height + code_lines(text)
        else:
            kind, height = join_or_start(height, code_lines(text), "fragment")
        out.append((kind, [(None, kind)]))
    return out


def join_or_start(height, lines, joined):
    """The type of a cell of `lines` lines after a slide of `height` lines, and the new height."""
    if height + lines <= BUDGET:
        return joined, height + lines
    return "subslide", lines


def assign(nb):
    """Write the rule's committed type into every cell's metadata; True when something changed."""
    changed = False
    for cell, (kind, _) in zip(nb["cells"], plan(nb["cells"])):
        want = {"slideshow": {"slide_type": kind}}
        if cell.get("metadata") != want:
            cell["metadata"] = want
            changed = True
    return changed


def deck_parts(nb):
    """The cells of the deck (for tools/slides.py; the committed notebook is not touched).

    Each cell keeps its committed slide type (the rule's when it has none); a committed "slide"
    whose level-2 headings do not all open the cell is split at them and the pieces typed by the
    rule.
    """
    cells = []
    for cell, (rule_kind, parts) in zip(nb["cells"], plan(nb["cells"])):
        committed = cell.get("metadata", {}).get("slideshow", {}).get("slide_type") or rule_kind
        if committed != "slide" or len(parts) == 1:
            parts = [(None, committed)]
        for n, (text, kind) in enumerate(parts):
            piece = json.loads(json.dumps(cell))
            if text is not None:
                piece["source"] = text
                piece["id"] = f"{cell.get('id', 'cell')}-{n}"
            piece.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}
            cells.append(piece)
    return cells


def dump(nb):
    # nbformat's own layout (indent 1, sorted keys, UTF-8 as is), so a rewrite changes only metadata.
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv):
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        sys.exit("slide_types: no notebooks/NN_*.ipynb found")
    wrong = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            nb = json.loads(text)
        except (OSError, ValueError) as error:
            sys.exit(f"slide_types: cannot read {path} as a notebook (JSON): {error}")
        expected = [kind for kind, _ in plan(nb["cells"])]
        for i, (cell, kind) in enumerate(zip(nb["cells"], expected)):
            have = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
            if cell.get("metadata") != {"slideshow": {"slide_type": kind}}:
                wrong.append(f"{path.name} cell {i + 1}: metadata {cell.get('metadata')}, rule says {kind!r}"
                             if have != kind else f"{path.name} cell {i + 1}: extra metadata {cell['metadata']}")
        counts = {t: expected.count(t) for t in TYPES if expected.count(t)}
        if not check and assign(nb):
            path.write_text(dump(nb), encoding="utf-8")
            print(f"{path.name}: written {counts}")
        elif not check:
            print(f"{path.name}: unchanged {counts}")
    if check:
        if wrong:
            print("\n".join(wrong))
            sys.exit(f"slide_types --check: {len(wrong)} cells differ from the rule; run tools/slide_types.py")
        print(f"slide_types --check: {len(paths)} notebooks follow the rule")


if __name__ == "__main__":
    main(sys.argv[1:])
