#!/usr/bin/python3
"""Edit notebooks as plain text, and keep the committed .ipynb clean.

  nbtext.py to-md NOTEBOOK.ipynb > draft.md      a notebook as markdown with ```ts code fences
  nbtext.py to-ipynb draft.md NOTEBOOK.ipynb     back to a clean notebook (no outputs, stable ids)
  nbtext.py clean NOTEBOOK.ipynb ...             strip outputs and execution counts in place

In the markdown form, every ```ts fenced block is a code cell, and markdown cells are separated by a
line holding only `<!-- cell -->` (text between two code cells is one markdown cell otherwise).
Cell ids are derived from the notebook's name and the cell's position, so they are stable.
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
FENCE = re.compile(r"^```ts\s*\n(.*?)^```\s*$", re.S | re.M)


def to_md(path):
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            parts.append("```ts\n" + cell.source.rstrip("\n") + "\n```")
        else:
            if parts and not parts[-1].startswith("```"):
                parts.append("<!-- cell -->")
            parts.append(cell.source.rstrip("\n"))
    return "\n\n".join(parts) + "\n"


def to_ipynb(text, name):
    cells = []

    def add_markdown(chunk):
        for piece in re.split(r"^<!-- cell -->\s*$", chunk, flags=re.M):
            if piece.strip():
                cells.append(new_markdown_cell(piece.strip("\n")))

    position = 0
    for match in FENCE.finditer(text):
        add_markdown(text[position:match.start()])
        cells.append(new_code_cell(match.group(1).rstrip("\n")))
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
        cell.metadata = {}
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
