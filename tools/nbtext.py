#!/usr/bin/python3
"""Edit notebooks as plain text, and keep the committed .ipynb clean.

  nbtext.py to-md NOTEBOOK.ipynb > draft.md      a notebook as markdown with ```ts code fences
  nbtext.py to-ipynb draft.md NOTEBOOK.ipynb     back to a clean notebook (no outputs, stable ids)
  nbtext.py clean NOTEBOOK.ipynb ...             strip outputs and execution counts in place

In the markdown form, every ```ts fenced block is a code cell, and markdown cells are separated by a
line holding only `<!-- cell -->` (text between two code cells is one markdown cell otherwise).
Cell ids are derived from the notebook's name and the cell's position, so they are stable.

A cell's slide type (metadata.slideshow.slide_type, set by tools/slide_types.py) travels as a line
`<!-- slide: TYPE -->` right before the ```ts fence of a code cell or on the first line of a markdown
cell; `clean` keeps it and drops every other cell metadata.
"""

import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNELSPEC = {"name": "deno", "display_name": "Deno", "language": "typescript"}
LANGUAGE_INFO = {
    "name": "typescript",
    "file_extension": ".ts",
    "mimetype": "text/x.typescript",
    "codemirror_mode": "typescript",
    "nbconvert_exporter": "script",
    "pygments_lexer": "typescript",
}
FENCE = re.compile(r"^(?:<!-- slide: (\S+) -->\n)?```ts\s*\n(.*?)^```\s*$", re.S | re.M)
SLIDE_MARK = re.compile(r"\A<!-- slide: (\S+) -->\n")
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def slide_type(cell):
    """The cell's slide type, or None when it has none."""
    kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return kind if kind in SLIDE_TYPES else None


def with_slide_type(cell, kind):
    if kind is not None:
        if kind not in SLIDE_TYPES:
            sys.exit(f"nbtext: unknown slide type {kind!r} in <!-- slide: {kind} --> "
                     f"(expected one of {', '.join(sorted(SLIDE_TYPES))})")
        cell.metadata = {"slideshow": {"slide_type": kind}}
    return cell


def to_md(path):
    nb = nbformat.read(path, as_version=4)
    parts = []
    previous = None
    for cell in nb.cells:
        kind = slide_type(cell)
        mark = f"<!-- slide: {kind} -->\n" if kind else ""
        if cell.cell_type == "code":
            parts.append(mark + "```ts\n" + cell.source.rstrip("\n") + "\n```")
        else:
            if previous == "markdown":
                parts.append("<!-- cell -->")
            parts.append(mark + cell.source.rstrip("\n"))
        previous = cell.cell_type
    return "\n\n".join(parts) + "\n"


def to_ipynb(text, name):
    cells = []

    def add_markdown(chunk):
        for piece in re.split(r"^<!-- cell -->\s*$", chunk, flags=re.M):
            piece = piece.strip("\n")
            mark = SLIDE_MARK.match(piece)
            if mark:
                piece = piece[mark.end():].strip("\n")
            if piece.strip():
                cells.append(with_slide_type(new_markdown_cell(piece), mark and mark.group(1)))

    position = 0
    for match in FENCE.finditer(text):
        add_markdown(text[position:match.start()])
        cells.append(with_slide_type(new_code_cell(match.group(2).rstrip("\n")), match.group(1)))
        position = match.end()
    add_markdown(text[position:])
    stem = re.sub(r"[^a-zA-Z0-9]+", "-", name).strip("-")[:40]
    for i, cell in enumerate(cells):
        cell["id"] = f"{stem}-{i:02d}"
    nb = new_notebook(cells=cells)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    return nb


def clean(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        kind = slide_type(cell)
        cell.metadata = {"slideshow": {"slide_type": kind}} if kind else {}
    nbformat.write(nb, path)


def main(argv):
    if len(argv) >= 2 and argv[0] == "to-md":
        sys.stdout.write(to_md(argv[1]))
    elif len(argv) == 3 and argv[0] == "to-ipynb":
        target = Path(argv[2])
        nb = to_ipynb(Path(argv[1]).read_text(encoding="utf-8"), target.stem)
        nbformat.validate(nb)
        nbformat.write(nb, target)
    elif len(argv) >= 2 and argv[0] == "clean":
        for p in argv[1:]:
            clean(p)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
