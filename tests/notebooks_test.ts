/**
 * The notebooks, run the way learners run them: through the real Deno kernel, by the main job's own
 * executor (tools/run_notebooks.py), every cell twice in one kernel. Needs Jupyter (./losslab test
 * installs it). LOSSLAB_EXECUTED=DIR keeps the executed notebooks (the first pass, as the main job
 * writes them), their HTML pages and summary.json in DIR for the renderer, browser and workshop tests.
 *
 * @module
 */
import { assert } from "./assert.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const VEGA_LITE = "application/vnd.vegalite.v5+json";
const SVG = "image/svg+xml";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  execution_count?: number | null;
}
interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}
interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name?: string; language?: string } };
  cells: Cell[];
}
interface PassOutput {
  output_type: string;
  mime?: string[];
  error?: string;
  text?: string;
}
interface Summary {
  notebook: string;
  failure: string | null;
  passes: { index: number; outputs: PassOutput[] }[][];
}

function notebookPaths(dir: string): string[] {
  return [...Deno.readDirSync(`${ROOT}${dir}`)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

const NOTEBOOKS = notebookPaths("notebooks");

// Executing every notebook takes minutes: `deno task test:notebooks` sets this, and plain
// `deno test` (the unit tests) skips it.
const INTEGRATION = Deno.env.get("LOSSLAB_INTEGRATION") === "1";

function read(path: string): Notebook {
  return JSON.parse(Deno.readTextFileSync(`${ROOT}${path}`));
}

Deno.test("notebooks are committed clean, with cell ids and the Deno kernelspec", () => {
  assert.ok(NOTEBOOKS.length > 0, "no notebooks in notebooks/");
  for (const path of NOTEBOOKS) {
    const nb = read(path);
    assert.equal(nb.nbformat, 4, `${path}: nbformat ${nb.nbformat}`);
    assert.ok(
      nb.nbformat_minor >= 5,
      `${path}: nbformat_minor ${nb.nbformat_minor}, cell ids need 4.5`,
    );
    assert.equal(nb.metadata.kernelspec?.name, "deno", `${path}: kernelspec is not "deno"`);
    assert.equal(nb.metadata.kernelspec?.language, "typescript", `${path}: kernel language`);
    const ids = new Set<string>();
    nb.cells.forEach((cell, i) => {
      assert.ok(
        cell.id && /^[a-zA-Z0-9-_]{1,64}$/.test(cell.id),
        `${path} cell ${i + 1}: missing or bad id`,
      );
      assert.ok(!ids.has(cell.id!), `${path} cell ${i + 1}: duplicate id ${cell.id}`);
      ids.add(cell.id!);
      if (cell.cell_type === "code") {
        assert.deepEqual(cell.outputs ?? [], [], `${path} cell ${i + 1} is committed with outputs`);
        assert.equal(
          cell.execution_count ?? null,
          null,
          `${path} cell ${i + 1} has an execution count`,
        );
      }
    });
  }
});

Deno.test({
  name: "every notebook runs top to bottom twice through the Deno kernel, charts complete",
  ignore: !INTEGRATION,
}, async (t) => {
  // With LOSSLAB_EXECUTED=DIR the run is kept in DIR, HTML pages included, for the tests after this
  // one (./losslab test sets build/); otherwise it goes to a temporary folder.
  const keep = Deno.env.get("LOSSLAB_EXECUTED");
  const out = keep ?? await Deno.makeTempDir({ prefix: "losslab-notebooks-" });
  try {
    const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
      args: [
        `${ROOT}tools/run_notebooks.py`,
        "--twice",
        ...(keep ? [] : ["--no-html"]),
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(stdout);
    console.log(log.trimEnd());
    const summaries: Summary[] = JSON.parse(Deno.readTextFileSync(`${out}/summary.json`));
    assert.equal(summaries.length, NOTEBOOKS.length, "the executor skipped notebooks");

    for (const summary of summaries) {
      await t.step(summary.notebook, () => {
        assert.equal(summary.failure, null, summary.failure ?? "");
        assert.equal(summary.passes.length, 2, `${summary.notebook}: expected two passes`);
        for (const [p, pass] of summary.passes.entries()) {
          for (const cell of pass) {
            for (const o of cell.outputs) {
              const where = `${summary.notebook} pass ${p + 1} cell ${cell.index + 1}`;
              assert.notEqual(o.output_type, "error", `${where}: ${o.error}`);
              const mime = o.mime ?? [];
              if (mime.includes(VEGA_LITE) || mime.includes(SVG)) {
                assert.ok(
                  mime.includes(VEGA_LITE),
                  `${where}: chart without the Vega-Lite MIME type`,
                );
                assert.ok(mime.includes(SVG), `${where}: chart without the SVG MIME type`);
                assert.ok(!mime.includes("text/html"), `${where}: chart carries text/html`);
              }
            }
          }
        }
        // A rerun shows what the first run showed: the same charts and displays cell by cell, and
        // the same amount of printed text. (The Deno kernel can flush a cell's stdout late enough
        // that a front end files it under the next cell, so printed text is compared as a whole.)
        type Pass = Summary["passes"][number];
        const displays = (pass: Pass) =>
          pass.map((c) =>
            c.outputs.filter((o) => o.output_type !== "stream")
              .map((o) => `${o.output_type}:${(o.mime ?? []).join("+")}`)
          );
        const printedLines = (pass: Pass) =>
          pass.flatMap((c) => c.outputs.filter((o) => o.output_type === "stream"))
            .map((o) => (o.text ?? "").split("\n").filter((line) => line !== "").length)
            .reduce((a, b) => a + b, 0);
        assert.deepEqual(
          displays(summary.passes[1]),
          displays(summary.passes[0]),
          `${summary.notebook}: rerun displays differ`,
        );
        assert.equal(
          printedLines(summary.passes[1]),
          printedLines(summary.passes[0]),
          `${summary.notebook}: rerun prints a different number of lines`,
        );
      });
    }
    assert.equal(
      code,
      0,
      `executor exited with ${code}\n${log}\n${new TextDecoder().decode(stderr)}`,
    );
  } finally {
    if (!keep) await Deno.remove(out, { recursive: true });
  }
});

// Stand-ins for notebooks, in the executor's own scheduling: each takes its turn, "runs cells" for
// a while, and records when; the second never takes its turn, as when its kernel fails to start.
const TURNS_PROBE = `
import json, sys, time, concurrent.futures, multiprocessing
sys.path.insert(0, sys.argv[1])
import run_notebooks as r

def notebook(rank, seconds, fails):
    with r.TURNS.turn(rank) as turn:
        if fails:
            raise RuntimeError("kernel did not start")
        turn.take()
        began = time.monotonic()
        time.sleep(seconds)
        ended = time.monotonic()
        turn.done()
        return {"rank": rank, "began": began, "ended": ended}

jobs, seconds = 2, [0.4, 0.1, 0.3, 0.1, 0.2, 0.1, 0.1]
pool = concurrent.futures.ProcessPoolExecutor(
    max_workers=2 * jobs, mp_context=multiprocessing.get_context("fork"),
    initializer=r._init_worker, initargs=(r.Turns(jobs),),
)
futures = [pool.submit(notebook, rank, s, rank == 1) for rank, s in enumerate(seconds)]
results = []
for future in futures:
    try:
        results.append(future.result(timeout=20))
    except RuntimeError as error:
        results.append({"error": str(error)})
    except concurrent.futures.TimeoutError:
        for process in pool._processes.values():
            process.kill()
        sys.exit("the notebooks after the failure never got their turn")
pool.shutdown()
print(json.dumps(results))
`;

Deno.test({
  name: "the executor runs cells of at most --jobs notebooks at once, in its order, past a failure",
  ignore: !INTEGRATION,
}, async () => {
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", TURNS_PROBE, `${ROOT}tools`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const results: { rank?: number; began: number; ended: number; error?: string }[] = JSON.parse(
    new TextDecoder().decode(stdout),
  );
  assert.equal(results.length, 7);
  assert.deepEqual(results[1], { error: "kernel did not start" });
  const ran = results.filter((r) => r.error === undefined);
  assert.deepEqual(ran.map((r) => r.rank), [0, 2, 3, 4, 5, 6]);
  for (let i = 1; i < ran.length; i++) {
    assert.ok(
      ran[i].began >= ran[i - 1].began,
      `rank ${ran[i].rank} began before rank ${ran[i - 1].rank}`,
    );
  }
  // At every moment one of them began, how many were running cells then (itself included).
  for (const r of ran) {
    const running = ran.filter((o) => o.began <= r.began && r.began < o.ended).length;
    assert.ok(running <= 2, `${running} notebooks ran cells at once when rank ${r.rank} began`);
  }
});
