#!/usr/bin/python3
"""The main job: execute every notebook through the real Deno kernel and render it into build/.

Usage: run_notebooks.py [NOTEBOOK ...] [--out DIR] [--timeout SECONDS] [--twice] [--no-html] [--jobs N]

For each notebook (default: notebooks/*.ipynb, in name order) this starts the project's Deno kernel
(the kernelspec "deno" under .jupyter/, found through JUPYTER_PATH), runs the cells in order, and
writes DIR/NAME.ipynb (executed) and DIR/NAME.html (standalone). It prints one line per notebook and a
total, writes DIR/index.html and DIR/summary.json, and exits non-zero when any cell fails, naming the
notebook, the cell, the first lines of its source and the error.

--jobs N runs the cells of up to N notebooks at once, each notebook in its own process and kernel
(default: the cores this process may use), the longest first by the last run's summary.json in DIR.
Up to N more processes start the next notebooks' kernels while others run cells, and stop a kernel
and write HTML while the next notebook runs: those steps mostly wait, not compute. Lines are
still printed in notebook order, each as soon as it and every notebook before it have finished; a
notebook's seconds are its own wall time without the wait for its turn, so they grow when notebooks
share cores.

--twice runs all cells a second time in the same kernel (what a learner's "Run All" again does) and
records both passes in summary.json.
"""

import argparse
import base64
import concurrent.futures
import copy
import contextlib
import html
import json
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["JUPYTER_PATH"] = str(ROOT / ".jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")
os.environ["NO_COLOR"] = "1"

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError
    from nbclient.util import ensure_async, run_sync
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(
        f"run_notebooks: {error}. Install Jupyter's nbclient and nbconvert "
        "(Debian: apt-get install python3-nbclient jupyter-nbconvert), or run ./losslab notebooks."
    )

VEGA_LITE = "application/vnd.vegalite.v5+json"
SVG = "image/svg+xml"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# After a pass's last cell, output that arrives later is still filed under its cell until the iopub
# channel has been quiet this many seconds. (The library's output functions flush before a cell
# ends: in two --twice runs of the series no message at all arrived after its cell's idle.)
LATE_OUTPUT_QUIET = 0.3

# nbconvert 6.5+ passes inline SVG through an HTML sanitiser that strips every SVG element but the
# text, so charts would come out blank. An <img> with a data: URI shows the SVG exactly, and a browser
# runs no script inside an SVG loaded as an image, so it stays safe.
HTML_TEMPLATE = """{%- extends 'classic/index.html.j2' -%}
{% block data_svg scoped -%}
<div class="output_svg output_subarea {{ extra_class }}">
<img src="{{ output.data['image/svg+xml'] | svg_data_uri }}" alt="chart">
</div>
{%- endblock data_svg %}
"""


def svg_data_uri(svg):
    text = "".join(svg) if isinstance(svg, list) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def html_exporter():
    return HTMLExporter(
        template_name="classic",
        extra_loaders=[DictLoader({"losslab.html.j2": HTML_TEMPLATE})],
        template_file="losslab.html.j2",
        filters={"svg_data_uri": svg_data_uri},
        # nbformat 5.5 compiles a fresh schema validator for each relaxed validation, and nbconvert
        # validates after each of its eleven preprocessors: once, after the last, is the same check.
        optimistic_validation=True,
    )


class FrontEndClient(NotebookClient):
    """A NotebookClient that keeps outputs which arrive after their cell reported idle.

    The Deno kernel can send a cell's stdout or display after its idle status. nbclient drops such
    messages (it only listens to the running cell); Jupyter front ends route every message to the
    cell that sent the request. This client does the same: it remembers which request each cell made
    and files a late message under that cell, and drains the channel after the last cell.
    """

    LATE_TYPES = {"stream", "display_data", "execute_result", "error"}

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.cell_of_request = {}
        self.running = None

    def start_recording(self):
        execute = self.kc.execute

        def recording_execute(*args, **kwargs):
            msg_id = execute(*args, **kwargs)
            self.cell_of_request[msg_id] = self.running
            return msg_id

        self.kc.execute = recording_execute

    def run_cell(self, cell, index):
        self.running = (cell, index)
        return self.execute_cell(cell, index)

    def file_late(self, msg):
        target = self.cell_of_request.get(msg["parent_header"].get("msg_id"))
        if target is not None and msg["msg_type"] in self.LATE_TYPES:
            cell, index = target
            self.output(cell.outputs, msg, None, index)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.file_late(msg)

    async def _async_drain(self, quiet):
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet))
            except Exception:  # queue.Empty: nothing more within `quiet` seconds
                return
            self.file_late(msg)

    drain = run_sync(_async_drain)


def outputs_of(nb):
    """(cell index, output) for every output of every code cell."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                yield index, output


def count_charts(nb):
    return sum(1 for _, o in outputs_of(nb) if VEGA_LITE in o.get("data", {}) or SVG in o.get("data", {}))


def snapshot(nb, seconds):
    """What each code cell produced, for comparing passes: output types and MIME types, and the
    seconds each cell took from its request to its idle status."""
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            entry = {"output_type": o.output_type}
            if "data" in o:
                entry["mime"] = sorted(o["data"].keys())
            if o.output_type == "error":
                entry["error"] = f"{o.get('ename')}: {o.get('evalue')}"
            if o.output_type == "stream":
                entry["name"] = o.get("name")
                entry["text"] = o.get("text", "")
            if "data" in o and "text/plain" in o["data"]:
                entry["text"] = str(o["data"]["text/plain"])[-2000:]
            outs.append(entry)
        cells.append({"index": index, "seconds": seconds.get(index), "outputs": outs})
    return cells


def describe_failure(path, nb, index, error):
    cell = nb.cells[index]
    source = cell.source.splitlines()
    code_number = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    lines = [f"FAILED {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
             f"cell {index + 1} (code cell {code_number})"]
    lines += ["    | " + line for line in source[:4]]
    if len(source) > 4:
        lines.append("    | ...")
    message = None
    for o in cell.get("outputs", []):
        if o.output_type == "error":
            message = f"{o.get('ename')}: {o.get('evalue')}"
            trace = [ANSI.sub("", t) for t in o.get("traceback", [])]
            extra = [t for t in "\n".join(trace).splitlines() if t.strip()][:6]
            message += "".join("\n    " + t for t in extra if t not in message)
    if message is None:
        message = ANSI.sub("", str(error)).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    lines.append("  " + message)
    return "\n".join(lines)


class Turns:
    """At most `jobs` notebooks run cells at once, and they begin in the order of their rank.

    A notebook's process starts its kernel first and waits here for its turn, so a kernel's start-up
    (mostly Jupyter's handshake, about 0.13 s of CPU in 0.5 s) overlaps other notebooks' cells
    instead of adding to them. Ranks follow the submission order, which is the order in which the
    pool's processes take the notebooks, so every rank below a waiting one is already in a process.
    """

    def __init__(self, jobs):
        self.jobs = jobs
        self.condition = multiprocessing.Condition()
        self.next_rank = multiprocessing.Value("i", 0, lock=False)
        self.running = multiprocessing.Value("i", 0, lock=False)

    def wait_to_prepare(self, rank):
        """Waits until `rank` is at most `jobs` places behind the notebooks that have begun their
        cells, so that the first notebooks' kernels do not start alongside kernels that would
        only wait."""
        with self.condition:
            self.condition.wait_for(lambda: self.next_rank.value > rank - self.jobs)

    def _take(self, rank):
        with self.condition:
            self.condition.wait_for(
                lambda: self.next_rank.value == rank and self.running.value < self.jobs)
            self.next_rank.value += 1
            self.running.value += 1
            self.condition.notify_all()

    def _release(self):
        with self.condition:
            self.running.value -= 1
            self.condition.notify_all()

    @contextlib.contextmanager
    def turn(self, rank):
        """Yields the `Turn` of `rank`. On leaving, a turn never taken is still taken and passed on
        (a kernel that failed to start must not stop every notebook after it), and a turn not yet
        ended is ended."""
        turn = Turn(self, rank)
        try:
            self.wait_to_prepare(rank)
            yield turn
        finally:
            if not turn.taken:
                turn.take()
            turn.done()


class Turn:
    """One notebook's turn to run cells: `take` waits for it, `done` ends it (once)."""

    def __init__(self, turns, rank):
        self.turns = turns
        self.rank = rank
        self.taken = False
        self.ended = False

    def take(self):
        self.turns._take(self.rank)
        self.taken = True

    def done(self):
        if self.taken and not self.ended:
            self.ended = True
            self.turns._release()


# The turns of the pool this process belongs to (None when run_notebook is called directly).
TURNS = None


def _init_worker(turns):
    global TURNS
    TURNS = turns


def run_notebook(path, out_dir, timeout, twice, html_out, rank=None):
    with (TURNS.turn(rank) if TURNS is not None else contextlib.nullcontext(None)) as turn:
        return _run_notebook(path, out_dir, timeout, twice, html_out, turn)


def _run_notebook(path, out_dir, timeout, twice, html_out, turn):
    nb = nbformat.read(path, as_version=4)
    client = FrontEndClient(
        nb,
        timeout=timeout,
        kernel_name="deno",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    passes = []
    failure = None
    # Seconds spent starting the kernel, waiting for a turn to run cells, running each pass's cells,
    # waiting for late output after each pass, and stopping the kernel: the start-up a learner pays
    # once versus the notebook's work.
    timing = {"start": 0.0, "queued": 0.0, "cells": [], "late_output": [], "stop": 0.0}
    first_pass = None
    started = time.monotonic()
    with client.setup_kernel():
        timing["start"] = time.monotonic() - started
        if turn is not None:
            queued = time.monotonic()
            turn.take()
            timing["queued"] = time.monotonic() - queued
        client.start_recording()
        for number in range(2 if twice else 1):
            pass_started = time.monotonic()
            cell_seconds = {}
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                cell_started = time.monotonic()
                try:
                    client.run_cell(cell, index)
                    cell_seconds[index] = round(time.monotonic() - cell_started, 3)
                except (CellExecutionError, CellTimeoutError, RuntimeError) as error:
                    failure = describe_failure(path, nb, index, error)
                    break
            drain_started = time.monotonic()
            last_pass = number == (1 if twice else 0)
            if turn is not None and (last_pass or failure):
                turn.done()  # the last cell has run: the next notebook may start its cells
            client.drain(LATE_OUTPUT_QUIET)
            timing["cells"].append(drain_started - pass_started)
            timing["late_output"].append(time.monotonic() - drain_started)
            passes.append(snapshot(nb, cell_seconds))
            if number == 0 and twice and not failure:
                # What a single run shows: the written notebook is the first pass, so the tests'
                # executed notebooks are the main job's.
                first_pass = copy.deepcopy(nb)
            if failure:
                break
        stop_started = time.monotonic()
    timing["stop"] = time.monotonic() - stop_started
    # A failing run is written as it failed.
    if first_pass is not None and not failure:
        nb = first_pass
    seconds = time.monotonic() - started - timing["queued"]
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    if html_out:
        body, _ = html_exporter().from_notebook_node(nb)
        (out_dir / path.with_suffix(".html").name).write_text(body, encoding="utf-8")
    title = next(
        (line.lstrip("# ").strip() for c in nb.cells if c.cell_type == "markdown"
         for line in c.source.splitlines() if line.startswith("# ")),
        path.stem,
    )
    return {
        "notebook": path.name,
        "title": title,
        "cells": len(nb.cells),
        "code_cells": sum(1 for c in nb.cells if c.cell_type == "code"),
        "charts": count_charts(nb),
        "seconds": round(seconds, 2),
        "failure": failure,
        "timing": {k: [round(x, 2) for x in v] if isinstance(v, list) else round(v, 2)
                   for k, v in timing.items()},
        "passes": passes,
    }


def previous_seconds(out_dir):
    """Each notebook's seconds in the summary.json of the last run into out_dir (empty if none)."""
    try:
        return {r["notebook"]: float(r["seconds"])
                for r in json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_index(out_dir, results):
    rows = "\n".join(
        f'<tr><td><a href="{html.escape(Path(r["notebook"]).with_suffix(".html").name)}">'
        f'{html.escape(r["notebook"])}</a></td><td>{html.escape(r["title"])}</td>'
        f'<td>{r["cells"]}</td><td>{r["charts"]}</td><td>{r["seconds"]:.1f} s</td>'
        f'<td>{"failed" if r["failure"] else "ok"}</td></tr>'
        for r in results
    )
    (out_dir / "index.html").write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>losslab notebooks</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.3em .8em;"
        "text-align:left}</style></head><body>\n<h1>losslab notebooks</h1>\n"
        "<p>Should a custom loss return one number for the batch, or an array of per-sample losses? "
        "Each notebook below was executed top to bottom by the Deno kernel.</p>\n"
        "<table><tr><th>notebook</th><th>title</th><th>cells</th><th>charts</th><th>run time</th>"
        f"<th>status</th></tr>\n{rows}\n</table>\n</body></html>\n",
        encoding="utf-8",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--timeout", type=int, default=180, help="seconds allowed per cell")
    parser.add_argument("--twice", action="store_true", help="run all cells twice in one kernel")
    parser.add_argument("--no-html", dest="html", action="store_false")
    parser.add_argument(
        "--jobs", type=int, default=len(os.sched_getaffinity(0)),
        help="notebooks run at once, each in its own kernel (default: available cores)",
    )
    args = parser.parse_args()
    if args.jobs < 1:
        sys.exit(f"run_notebooks: --jobs is {args.jobs}, expected a whole number >= 1")

    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        sys.exit("run_notebooks: no notebooks found in notebooks/")
    for p in paths:
        if not p.is_file():
            sys.exit(f"run_notebooks: {p} does not exist")

    jobs = max(1, min(args.jobs, len(paths)))
    total_started = time.monotonic()
    results = [None] * len(paths)

    def report(number):
        result = results[number]
        status = "FAILED" if result["failure"] else "ok"
        print(
            f"[{number + 1}/{len(paths)}] {paths[number].name:<40} {result['cells']:>3} cells {result['charts']:>3} charts "
            f"{result['seconds']:>6.1f} s  {status}",
            flush=True,
        )
        if result["failure"]:
            print(result["failure"], flush=True)

    # One process per notebook in progress, so each has its own kernel and nbclient event loop: twice
    # as many as the notebooks allowed to run cells, so that when two finish together both free
    # turns find a kernel ready while the finished ones stop theirs and write HTML.
    printed = 0
    # Longest first, by the seconds of the last run into the same folder (new notebooks first, then
    # name order), so that no long notebook starts last while the other workers idle.
    last = previous_seconds(args.out)
    order = sorted(range(len(paths)), key=lambda n: -last.get(paths[n].name, float("inf")))
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=min(2 * jobs, len(paths)), mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker, initargs=(Turns(jobs),),
    ) as pool:
        futures = {
            pool.submit(run_notebook, paths[number], args.out, args.timeout, args.twice, args.html,
                        rank): number
            for rank, number in enumerate(order)
        }
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
            while printed < len(paths) and results[printed] is not None:
                report(printed)
                printed += 1
    total = time.monotonic() - total_started
    failed = [r for r in results if r["failure"]]
    if args.html:
        write_index(args.out, results)
    (args.out / "summary.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(
        f"total: {len(results)} notebooks, {sum(r['charts'] for r in results)} charts, {total:.1f} s, "
        f"{len(failed)} failed; output in {args.out}",
        flush=True,
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
