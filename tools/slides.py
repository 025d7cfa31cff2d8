#!/usr/bin/python3
"""Workshop slides: one reveal.js deck per notebook in build/slides/, offline.

Usage: slides.py [NOTEBOOK ...] [--no-execute]       (default: notebooks/NN_*.ipynb)

For each notebook this (1) executes it with tools/run_notebooks.py into build/NAME.ipynb when that
file is missing, older than the notebook, or its cells no longer match the notebook's (--no-execute
fails instead); (2) exports build/slides/NAME.slides.html with nbconvert's SlidesExporter and the
template tools/slides/losslab_reveal (slide types from the notebook's cell metadata, set by
tools/slide_types.py; markdown split at `## ` headings for the deck, see that script); (3) copies
reveal.js (dist/, plugin/) and require.js from node_modules/ (the versions pinned in deno.json) into
build/slides/vendor/, referenced by relative URLs, so a deck works from file:// with no network:
no CDN, no web fonts (reveal's "white" theme ships its fonts), no MathJax (the notebooks write no
LaTeX). It writes build/slides/index.html linking the decks, prints one line per deck (slides,
charts) and a total, and exits non-zero naming the notebook when a step fails.
"""

import argparse
import base64
import hashlib
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import slide_types  # noqa: E402  (tools/ on the path first)

try:
    import nbformat
    from nbconvert import SlidesExporter
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(
        f"slides: {error}. Install Jupyter's nbconvert (Debian: apt-get install jupyter-nbconvert "
        "python3-nbclient), or run ./losslab slides."
    )

BUILD = ROOT / "build"
OUT = BUILD / "slides"
TEMPLATES = ROOT / "tools" / "slides"
SVG = "image/svg+xml"
VEGA_LITE = "application/vnd.vegalite.v5+json"
# An SVG the deck inlines must be a picture only: anything that could run or fetch goes to <img>.
UNSAFE_SVG = re.compile(r"<script|<foreignObject|\son[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*[\"']?https?:", re.I)


def fail(message):
    sys.exit(f"slides: {message}")


def npm_package_dir(name):
    """node_modules folder of the npm package `name` at the version deno.json's imports pin."""
    imports = json.loads((ROOT / "deno.json").read_text(encoding="utf-8")).get("imports", {})
    spec = imports.get(name, "")
    match = re.fullmatch(r"npm:/?" + re.escape(name) + r"@([^/]+)/?", spec)
    if not match:
        fail(f"deno.json imports has no \"{name}\": \"npm:{name}@VERSION\" (found {spec!r})")
    version = match.group(1)
    folder = ROOT / "node_modules" / ".deno" / f"{name}@{version}" / "node_modules" / name
    if not (folder / "package.json").is_file():
        fail(f"{folder.relative_to(ROOT)} is missing: run `deno install` (or ./losslab slides)")
    found = json.loads((folder / "package.json").read_text(encoding="utf-8")).get("version")
    if found != version:
        fail(f"{folder.relative_to(ROOT)}/package.json is version {found}, deno.json pins {version}")
    return folder, version


def vendor():
    """Copies reveal.js and require.js into build/slides/vendor/; returns their versions."""
    reveal, reveal_version = npm_package_dir("reveal.js")
    requirejs, require_version = npm_package_dir("requirejs")
    target = OUT / "vendor"
    shutil.rmtree(target, ignore_errors=True)
    for part in ("dist", "plugin"):
        # Source maps only help a debugger; they are a third of dist/ and would point at sources
        # the copy does not carry.
        shutil.copytree(reveal / part, target / "reveal.js" / part, ignore=shutil.ignore_patterns("*.map"))
    shutil.copy2(reveal / "LICENSE", target / "reveal.js" / "LICENSE")
    shutil.copy2(requirejs / "require.js", target / "require.js")
    return {"reveal.js": reveal_version, "requirejs": require_version}


def deck_svg(svg):
    """The chart's SVG, inlined in the deck with its ids made unique to it, or an <img> if unsafe."""
    text = "".join(svg) if isinstance(svg, list) else svg
    if UNSAFE_SVG.search(text):
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        return f'<img src="data:image/svg+xml;base64,{data}" alt="chart">'
    # Two charts of a deck share one document: vega names gradients gradient_0 in every SVG, so a
    # later chart would paint with the first one's. A prefix from the content keeps them apart.
    prefix = "c" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8] + "-"
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    for name in ids:
        text = text.replace(f'id="{name}"', f'id="{prefix}{name}"')
        text = text.replace(f"url(#{name})", f"url(#{prefix}{name})")
        text = text.replace(f'href="#{name}"', f'href="#{prefix}{name}"')
    return re.sub(r"<\?xml[^>]*>\s*", "", text)


def exporter():
    return SlidesExporter(
        template_name="losslab_reveal",
        extra_template_basedirs=[str(TEMPLATES)],
        reveal_url_prefix="vendor/reveal.js",
        reveal_theme="white",
        reveal_transition="slide",
        reveal_number="c/t",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters={"deck_svg": deck_svg},
        # Validated once after the last preprocessor instead of after each (see run_notebooks.py).
        optimistic_validation=True,
    )


def is_chart(output):
    data = output.get("data", {})
    return SVG in data or VEGA_LITE in data


def executed_matches(source_nb, executed_nb):
    """True when the executed notebook has the source's cells (same ids, types and sources)."""
    key = lambda nb: [(c.get("id"), c.get("cell_type"), slide_types.source_of(c)) for c in nb["cells"]]
    return key(source_nb) == key(executed_nb)


def read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"cannot read {path.relative_to(ROOT)} as a notebook: {error}")


def execute(paths):
    """Runs the notebooks through tools/run_notebooks.py (the main job's executor) into build/."""
    import run_notebooks  # imported late: it needs Jupyter's nbclient, only when a run is due

    results = []
    for path in paths:
        print(f"  executing {path.name} (build/{path.name} is missing or older) ...", flush=True)
        result = run_notebooks.run_notebook(path, BUILD, 180, False, True)
        if result["failure"]:
            print(result["failure"], flush=True)
            fail(f"{path.name} failed to execute; no deck written for it")
        results.append(result)
    # Keep build/summary.json and build/index.html (written by the main job) current for the
    # notebooks just run, so they do not disagree with build/NAME.ipynb.
    summary_path = BUILD / "summary.json"
    summary = []
    if summary_path.is_file():
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except ValueError:
            summary = []
    by_name = {r["notebook"]: r for r in summary}
    by_name.update({r["notebook"]: r for r in results})
    merged = [by_name[k] for k in sorted(by_name)]
    summary_path.write_text(json.dumps(merged, indent=1), encoding="utf-8")
    run_notebooks.write_index(BUILD, merged)


def stale(path, allow_execute):
    executed = BUILD / path.name
    if not executed.is_file():
        return True
    if executed.stat().st_mtime < path.stat().st_mtime:
        return True
    if not executed_matches(read_json(path), read_json(executed)):
        if not allow_execute:
            fail(f"build/{path.name} does not hold the cells of notebooks/{path.name}; "
                 "run ./losslab notebooks (or drop --no-execute)")
        return True
    return False


def deck_notebook(source, executed):
    """The deck's notebook: the source's cells and slide types, with the executed outputs."""
    by_id = {c.get("id"): c for c in executed["cells"]}
    cells = []
    for cell in source["cells"]:
        run = dict(cell)
        if cell["cell_type"] == "code":
            done = by_id[cell["id"]]
            run["outputs"] = done.get("outputs", [])
            run["execution_count"] = done.get("execution_count")
        cells.append(run)
    nb = dict(executed)
    nb["cells"] = slide_types.deck_parts({"cells": cells})
    # Through nbformat's reader, which joins the sources' line lists as nbconvert expects.
    return nbformat.reads(json.dumps(nb), as_version=4)


def title_of(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def build_deck(path, export):
    source = read_json(path)
    executed = read_json(BUILD / path.name)
    nb = deck_notebook(source, executed)
    shown = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") not in ("skip", "notes")]
    charts_run = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if is_chart(o))
    charts_shown = sum(1 for c in shown if c.cell_type == "code" for o in c.get("outputs", []) if is_chart(o))
    if charts_shown != charts_run:
        fail(f"{path.name}: {charts_run - charts_shown} of its {charts_run} charts are in skip or notes "
             "cells, so no slide shows them (check tools/slide_types.py's rule)")
    kinds = [c.metadata["slideshow"]["slide_type"] for c in shown]
    # nbconvert makes the first shown cell a slide whatever its type; every slide or subslide is
    # one screen (what Reveal.getTotalSlides() counts).
    slides = sum(1 for k in kinds[1:] if k in ("slide", "subslide")) + 1
    title = title_of(nb) or path.stem
    try:
        body, _ = export.from_notebook_node(nb, resources={"metadata": {"name": title, "path": str(path.parent)}})
    except Exception as error:  # nbconvert raises many kinds; name the notebook whatever it is
        fail(f"{path.name}: nbconvert's SlidesExporter failed: {type(error).__name__}: {error}")
    target = OUT / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return {"notebook": path.name, "deck": target.name, "title": title, "slides": slides, "charts": charts_shown}


def write_index(decks, versions):
    rows = "\n".join(
        f'<tr><td><a href="{html.escape(d["deck"])}">{html.escape(d["notebook"])}</a></td>'
        f'<td>{html.escape(d["title"])}</td><td>{d["slides"]}</td><td>{d["charts"]}</td></tr>'
        for d in decks
    )
    (OUT / "index.html").write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>losslab slides</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.3em .8em;"
        "text-align:left}</style></head><body>\n<h1>losslab workshop slides</h1>\n"
        "<p>One reveal.js deck per notebook, from the executed notebooks. Keys: space or → next, "
        "← back, Esc overview, S speaker notes (study time and parameters), F full screen. Slides "
        "taller than the screen scroll. Works offline, from this folder.</p>\n"
        "<table><tr><th>deck</th><th>title</th><th>slides</th><th>charts</th></tr>\n"
        f"{rows}\n</table>\n<p>reveal.js {html.escape(versions['reveal.js'])}, require.js "
        f"{html.escape(versions['requirejs'])}, in vendor/.</p>\n</body></html>\n",
        encoding="utf-8",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--no-execute", dest="execute", action="store_false",
                        help="fail instead of executing a notebook whose build/NAME.ipynb is stale")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        fail("no notebooks/NN_*.ipynb found")
    for p in paths:
        if not p.is_file():
            fail(f"{p} does not exist")

    started = time.monotonic()
    due = [p for p in paths if stale(p, args.execute)]
    if due and not args.execute:
        fail(f"build/ has no current executed copy of {', '.join(p.name for p in due)}; "
             "run ./losslab notebooks (or drop --no-execute)")
    if due:
        execute(due)
    for p in due:
        if stale(p, False):
            fail(f"build/{p.name} still does not match notebooks/{p.name} after executing it")
    executed_at = time.monotonic()

    OUT.mkdir(parents=True, exist_ok=True)
    versions = vendor()
    export = exporter()
    decks = []
    for number, path in enumerate(paths, 1):
        deck = build_deck(path, export)
        decks.append(deck)
        print(f"[{number}/{len(paths)}] {deck['deck']:<40} {deck['slides']:>3} slides {deck['charts']:>3} charts",
              flush=True)
    write_index(decks, versions)
    done = time.monotonic()
    print(
        f"total: {len(decks)} decks, {sum(d['slides'] for d in decks)} slides, "
        f"{sum(d['charts'] for d in decks)} charts; executed {len(due)} notebooks in "
        f"{executed_at - started:.1f} s, decks in {done - executed_at:.1f} s; output in "
        f"{OUT.relative_to(ROOT)}/ (open index.html)",
        flush=True,
    )


if __name__ == "__main__":
    main()
