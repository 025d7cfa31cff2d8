/**
 * The real browser test: what a learner sees. Debian's classic Jupyter Notebook server
 * with the project's Deno kernel, driven in Debian's Chromium (headless, network cut) through
 * playwright-core. Every notebook in notebooks/ is opened, Kernel > Restart & Run All is pressed, then
 * Run All twice more in the same kernel, and each time: no error output, every code cell run in
 * order, every chart drawn as an SVG with marks, and every cell showing what it shows in the nbclient
 * run of tools/run_notebooks.py (the same displays and the same number of printed lines): an output
 * filed under another cell fails the test. A full-page screenshot per notebook goes to
 * build/screenshots/NAME.png, after the last pass or when a pass fails. A chart saved as standalone
 * .html is opened from file:// with the network cut and must render interactively.
 *
 * Notebooks are driven two at a time (LOSSLAB_BROWSER_JOBS), each in its own page and kernel. With
 * LOSSLAB_EXECUTED=DIR the nbclient run compared against is the notebook test's, read from
 * DIR/summary.json (its first pass), provided DIR/NAME.ipynb was executed from the notebook's current
 * cells; without it each notebook is run through nbclient first.
 *
 * Run alone: `deno task test:browser` (installs Chromium and Jupyter first when missing).
 *
 * @module
 */
import { assert } from "./assert.ts";
import { Chart, VEGA_LITE_MIME } from "../lib/charts/chart.ts";
import { checkChromium, launchChromium } from "../tools/chromium.ts";
import type { BrowserContext } from "playwright-core";
import {
  findJupyterNotebook,
  type NotebookServer,
  startNotebookServer,
} from "./browser/notebook_server.ts";
import {
  openNotebook,
  type PageCell,
  readCells,
  runAll,
  screenshotNotebook,
} from "./browser/notebook_page.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SCREENSHOTS = `${ROOT}build/screenshots`;
/** Run All passes per notebook in one kernel: Restart & Run All, then Run All again twice. */
const PASSES = [1, 2, 3];
/** Generous per-Run-All budget: the notebooks take up to ~20 s each through the kernel. */
const RUN_ALL_TIMEOUT_MS = 120_000;

// LOSSLAB_NOTEBOOKS=00_overview.ipynb,04_structured_data.ipynb runs only those (default: all).
const ONLY = Deno.env.get("LOSSLAB_NOTEBOOKS")?.split(",").map((n) => n.trim()).filter(Boolean);

// LOSSLAB_EXECUTED=DIR: compare with the notebook test's run written there instead of running
// nbclient again (./losslab test sets it to build/).
const EXECUTED = Deno.env.get("LOSSLAB_EXECUTED");

// Notebooks driven at once, each in its own page and kernel (LOSSLAB_BROWSER_JOBS, default: the
// cores this process may use, at most 2).
const JOBS = Number(
  Deno.env.get("LOSSLAB_BROWSER_JOBS") ?? Math.min(2, navigator.hardwareConcurrency),
);
if (!Number.isInteger(JOBS) || JOBS < 1) {
  throw new Error(
    `browser test: LOSSLAB_BROWSER_JOBS is ${
      Deno.env.get("LOSSLAB_BROWSER_JOBS")
    }, expected a whole number >= 1`,
  );
}

// A browser, a Notebook server and every notebook three times take minutes: `deno task test:browser`
// sets this, and plain `deno test` (the unit tests) skips these tests.
const INTEGRATION = Deno.env.get("LOSSLAB_INTEGRATION") === "1";
const NOTEBOOKS = [...Deno.readDirSync(`${ROOT}notebooks`)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .filter((e) => !ONLY || ONLY.includes(e.name))
  .map((e) => e.name)
  .sort();

// The subset of tools/run_notebooks.py's summary.json this test reads.
interface Summary {
  notebook: string;
  failure: string | null;
  passes: { index: number; outputs: { output_type: string; mime?: string[]; text?: string }[] }[][];
}

/** nbclient's view of one notebook (one pass), from the project's own executor. */
async function nbclientRun(name: string): Promise<Summary> {
  const out = await Deno.makeTempDir({ prefix: "losslab-browser-nbclient-" });
  try {
    const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
      args: [
        `${ROOT}tools/run_notebooks.py`,
        `${ROOT}notebooks/${name}`,
        "--no-html",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    try {
      const [summary] = JSON.parse(await Deno.readTextFile(`${out}/summary.json`)) as Summary[];
      return summary;
    } catch {
      throw new Error(
        `tools/run_notebooks.py wrote no summary for ${name} (exit ${code}):\n${log}`,
      );
    }
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

/** Cell ids, types and sources: what must agree between a notebook and its executed copy. */
function cellKey(notebookText: string): string {
  const nb = JSON.parse(notebookText) as {
    cells: { id?: string; cell_type: string; source: string | string[] }[];
  };
  return JSON.stringify(nb.cells.map((c) => [c.id, c.cell_type, [c.source].flat().join("")]));
}

/**
 * What the front end must match: the first pass of the run the notebook test made into
 * LOSSLAB_EXECUTED (when set, and only if that run executed these very cells), else a fresh nbclient
 * run of the notebook.
 */
async function expectedRun(name: string, text: string): Promise<Summary> {
  if (EXECUTED === undefined) return await nbclientRun(name);
  let summaries: Summary[];
  let executed: string;
  try {
    summaries = JSON.parse(await Deno.readTextFile(`${EXECUTED}/summary.json`));
    executed = await Deno.readTextFile(`${EXECUTED}/${name}`);
  } catch (error) {
    throw new Error(
      `browser test: LOSSLAB_EXECUTED is ${EXECUTED}, but its summary.json or ${name} cannot be ` +
        `read (${error}); run tools/run_notebooks.py --out ${EXECUTED} first`,
    );
  }
  const summary = summaries.find((s) => s.notebook === name);
  if (summary === undefined) {
    throw new Error(`browser test: ${EXECUTED}/summary.json has no run of ${name}`);
  }
  if (cellKey(executed) !== cellKey(text)) {
    throw new Error(
      `browser test: ${EXECUTED}/${name} was executed from other cells than notebooks/${name}; ` +
        "run the notebook test again (or unset LOSSLAB_EXECUTED)",
    );
  }
  return summary;
}

function readNotebook(name: string): string {
  return Deno.readTextFileSync(`${ROOT}notebooks/${name}`);
}

/** What a cell shows, for comparing two runs: its displays' MIME types and its printed lines. */
function signature(outputs: { type: string; mime: string[]; text: string }[]): string {
  const lines = outputs.filter((o) => o.type === "stream")
    .flatMap((o) => o.text.split("\n")).filter((l) => l.trim() !== "").length;
  const displays = outputs.filter((o) => o.type !== "stream").map((o) => o.mime.join("+"));
  return `${lines} printed lines; ${displays.join(", ") || "no displays"}`;
}

/** The cells whose outputs differ from nbclient's run, one line each (empty when none). */
export function compareWithNbclient(cells: PageCell[], expected: Summary): string[] {
  const nbclient = expected.passes[0];
  const out: string[] = [];
  for (const c of cells) {
    const ref = nbclient.find((n) => n.index === c.index)?.outputs ?? [];
    const want = signature(ref.map((o) => ({
      type: o.output_type,
      mime: o.mime ?? [],
      text: o.text ?? "",
    })));
    const got = signature(c.outputs.map((o) => ({
      type: o.outputType,
      mime: o.mime,
      text: o.fullText,
    })));
    if (got !== want) {
      out.push(
        `cell ${c.index + 1} (${c.head}): ${got}, expected ${want} ${
          JSON.stringify(c.outputs.map((o) => o.text.split("\n")[0]))
        }`,
      );
    }
  }
  return out;
}

/**
 * The assertions of one Run All pass; `where` names the notebook and pass. Returns the cells whose
 * outputs differ from nbclient's (the caller fails on them after every pass has run, so that one
 * run measures them all).
 */
function checkPass(cells: PageCell[], expected: Summary, where: string): string[] {
  for (const cell of cells) {
    const at = `${where} cell ${cell.index + 1} (${cell.head})`;
    for (const o of cell.outputs) {
      assert.notEqual(o.outputType, "error", `${at}: error output ${o.error}`);
    }
    if (!cell.empty) {
      assert.equal(typeof cell.prompt, "number", `${at}: did not run (In [${cell.prompt ?? " "}])`);
    }
    for (const o of cell.outputs) {
      if (!o.mime.includes(VEGA_LITE_MIME)) continue;
      assert.ok(o.svg, `${at}: chart output is not drawn as an <svg> (MIME ${o.mime.join(", ")})`);
      assert.ok(o.marks > 0, `${at}: the chart's <svg> has no drawn marks`);
      assert.ok(o.size[0] > 50 && o.size[1] > 50, `${at}: the chart is ${o.size.join("x")} px`);
    }
  }
  // Execution counts rise cell after cell: the outputs arrived in order, one run per cell.
  const counts = cells.map((c) => c.prompt).filter((p): p is number => typeof p === "number");
  for (let i = 1; i < counts.length; i++) {
    assert.ok(counts[i] > counts[i - 1], `${where}: execution counts out of order: ${counts}`);
  }
  assert.equal(expected.failure, null, `${where}: nbclient's run failed:\n${expected.failure}`);
  const nbclient = expected.passes[0];
  const charts = (mimes: string[][]) => mimes.filter((m) => m.includes(VEGA_LITE_MIME)).length;
  assert.equal(
    charts(cells.flatMap((c) => c.outputs.map((o) => o.mime))),
    charts(nbclient.flatMap((c) => c.outputs.map((o) => o.mime ?? []))),
    `${where}: number of charts differs from the nbclient run`,
  );
  // Every cell shows what it showed under nbclient (which waits for each cell's idle before the
  // next): the same displays in the same order and the same number of printed lines. An output the
  // kernel filed under a later cell makes two cells differ; no tolerance.
  return compareWithNbclient(cells, expected).map((line) => `${where}: ${line}`);
}

Deno.test({
  name: "browser: a standalone chart .html renders interactively from file:// with no network",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    checkChromium();
    const dir = await Deno.makeTempDir({ prefix: "losslab-browser-html-" });
    const browser = await launchChromium();
    try {
      // Three bars with known heights and tooltips; the numbers are the test's own.
      const chart = new Chart({
        data: { values: [{ s: "a", loss: 1 }, { s: "b", loss: 3 }, { s: "c", loss: 2 }] },
        mark: "bar",
        encoding: {
          x: { field: "s", type: "nominal" },
          y: { field: "loss", type: "quantitative" },
          tooltip: [{ field: "s" }, { field: "loss", type: "quantitative" }],
        },
      }, { summary: "three samples, losses 1, 3 and 2" });
      const path = `${dir}/chart.html`;
      await chart.save(path);

      await browser.context.setOffline(true);
      const page = await browser.context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("request", (r) => {
        if (!/^(file|data|blob|about):/.test(r.url())) requests.push(r.url());
      });
      await page.goto(`file://${path}`, { waitUntil: "load", timeout: 30_000 });
      // vega-embed marks its container once the live view is drawn; the static SVG fallback does not.
      await page.waitForSelector("#chart.vega-embed svg.marks", { timeout: 20_000 }).catch(() => {
        throw new Error(
          `the standalone chart did not render: ${problems.join("; ") || "no error"}`,
        );
      });
      const bars = await page.$$eval(
        "#chart.vega-embed svg g.mark-rect path",
        (paths) => paths.map((p) => Math.round(p.getBoundingClientRect().height)),
      );
      assert.equal(bars.length, 3, `expected three drawn bars, found ${bars.length}`);
      // Heights in proportion 1 : 3 : 2 (vega's linear y scale from zero).
      assert.ok(
        Math.abs(bars[1] / bars[0] - 3) < 0.1 && Math.abs(bars[2] / bars[0] - 2) < 0.1,
        `bar heights ${bars} are not in proportion 1:3:2`,
      );
      // Interactive: hovering the tallest bar shows vega-tooltip's box with its values.
      const box = await page.locator("#chart.vega-embed svg g.mark-rect path").nth(1).boundingBox();
      assert.ok(box, "the second bar has no box");
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tooltip = page.locator("#vg-tooltip-element.visible");
      await tooltip.waitFor({ timeout: 5_000 }).catch(() => {
        throw new Error("hovering a bar showed no tooltip: the page is not interactive");
      });
      const text = await tooltip.innerText();
      assert.ok(/b/.test(text) && /3/.test(text), `tooltip says "${text}", expected s b, loss 3`);
      assert.deepEqual(requests, [], "the standalone page asked the network for something");
      assert.deepEqual(problems, [], "the standalone page logged errors");
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "browser: every notebook runs three times in classic Jupyter Notebook, outputs in place",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    checkChromium();
    assert.ok(
      findJupyterNotebook(),
      "jupyter-notebook is missing; run `bash tools/setup.sh --browser`",
    );
    assert.ok(NOTEBOOKS.length > 0, `no notebooks in notebooks/${ONLY ? ` named ${ONLY}` : ""}`);
    await Deno.mkdir(SCREENSHOTS, { recursive: true });

    const server = await startNotebookServer();
    let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
    const outcomes = new Map<string, unknown>();
    try {
      browser = await launchChromium();
      const context = browser.context;
      // Each worker takes the next notebook; every notebook has its own page and kernel.
      const queue = [...NOTEBOOKS];
      const worker = async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          try {
            await checkNotebook(context, server, name);
            outcomes.set(name, null);
          } catch (error) {
            outcomes.set(name, error);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(JOBS, NOTEBOOKS.length) }, worker));
    } finally {
      await browser?.close();
      await server.close();
    }
    for (const name of NOTEBOOKS) {
      await t.step(name, () => {
        const error = outcomes.get(name);
        if (error) throw error;
      });
    }
  },
});

/** One notebook: three Run All passes in one kernel, each checked against the nbclient run. */
async function checkNotebook(
  context: BrowserContext,
  server: NotebookServer,
  name: string,
): Promise<void> {
  const text = readNotebook(name);
  const summary = await expectedRun(name, text);
  const page = await openNotebook(context, server, name);
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const misfiled: string[] = [];
  // The page as the last pass left it, or as it was when a pass failed.
  const screenshot = () =>
    screenshotNotebook(page, `${SCREENSHOTS}/${name.replace(/\.ipynb$/, ".png")}`);
  try {
    for (const pass of PASSES) {
      // Pass 1 as a learner starts (Restart & Run All), then Run All again in that kernel.
      const ms = await runAll(page, `${name} pass ${pass}`, {
        restart: pass === 1,
        timeoutMs: RUN_ALL_TIMEOUT_MS,
      });
      const cells = await readCells(page);
      const charts = cells.flatMap((c) => c.outputs).filter((o) => o.mime.includes(VEGA_LITE_MIME));
      console.log(
        `  ${name} pass ${pass}: ${(ms / 1000).toFixed(1)} s, ${
          cells.filter((c) => c.outputs.length).length
        } cells with outputs, ${charts.length} charts (${
          charts.map((c) => c.marks).join(", ")
        } marks)`,
      );
      assert.ok(
        readNotebook(name) === text,
        `${name} changed on disk while the test ran (someone edited it; rerun the test)`,
      );
      const wrong = checkPass(cells, summary, `${name} pass ${pass}`);
      if (wrong.length) console.log(`  ${name} pass ${pass}: ${wrong.length} cells differ`);
      misfiled.push(...wrong);
    }
    await screenshot();
    assert.deepEqual(misfiled, [], `${name}: outputs under the wrong cell`);
    assert.deepEqual(pageErrors, [], `${name}: the page threw`);
  } catch (error) {
    await screenshot().catch(() => {});
    throw error;
  } finally {
    await page.evaluate(() => {
      // deno-lint-ignore no-explicit-any
      (globalThis as any).Jupyter.notebook.set_dirty(false);
    }).catch(() => {});
    await page.close();
    await server.stopKernels(name);
  }
}
