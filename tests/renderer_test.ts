/**
 * The renderer test: every chart drawn the way JupyterLab 4.4–4.6 and VS Code's notebook renderer
 * (release v1.3.0 and main) draw the Vega-Lite part of a bundle, in their light and dark themes, in
 * Debian's Chromium through playwright-core with the network cut. Each front end's own vega,
 * vega-lite and vega-embed versions are pinned as import-map aliases in deno.json and their UMD
 * builds are loaded from node_modules/; the embed calls are copied from the front ends' sources
 * (tests/renderer/front_ends.ts, tests/renderer/page.js).
 *
 * For every chart of every executed notebook and one chart of every builder and layout: the embed
 * succeeds with no console error or warning, data marks are drawn, and every text has a contrast of
 * at least 4.5:1 (WCAG AA) against what is drawn behind it. A second test checks the sizes: every
 * executed notebook ≤ 1 MB, every chart bundle ≤ 300 KB.
 *
 * The notebooks are executed once through the Deno kernel into a temporary folder; set
 * LOSSLAB_EXECUTED=DIR to use notebooks already executed there (e.g. `build/` after
 * `./losslab notebooks`). LOSSLAB_SCREENSHOTS=1 saves one dark-theme screenshot per front end of two
 * charts to build/screenshots/.
 *
 * Run alone: `deno task test:renderer`.
 *
 * @module
 */
import { assert } from "./assert.ts";
import { VEGA_LITE_MIME } from "../lib/charts/chart.ts";
import { checkChromium, launchChromium } from "../tools/chromium.ts";
import { buildPath, FRONT_ENDS, type FrontEnd } from "./renderer/front_ends.ts";
import {
  builderCharts,
  type ChartCase,
  type ExecutedNotebook,
  executeNotebooks,
  readExecuted,
} from "./renderer/charts.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const INTEGRATION = Deno.env.get("LOSSLAB_INTEGRATION") === "1";
const MIN_CONTRAST = 4.5;
const MAX_NOTEBOOK_BYTES = 1_000_000;
const MAX_BUNDLE_BYTES = 300_000;

let executed: { dir: string; notebooks: ExecutedNotebook[]; temporary: boolean } | null = null;

async function executedNotebooks(): Promise<ExecutedNotebook[]> {
  if (executed === null) {
    const given = Deno.env.get("LOSSLAB_EXECUTED");
    const dir = given ?? await executeNotebooks();
    executed = { dir, notebooks: readExecuted(dir), temporary: given === undefined };
    assert.ok(executed.notebooks.length > 0, `renderer test: no executed notebooks in ${dir}`);
  }
  return executed.notebooks;
}

async function cleanUp(): Promise<void> {
  if (executed?.temporary) await Deno.remove(executed.dir, { recursive: true }).catch(() => {});
}

interface TextMeasure {
  text: string;
  role: string;
  ratio: number;
  color: string;
  behind: string;
}
interface RenderResult {
  error?: string;
  renderer: string;
  drawnSize: [number, number];
  marks: number;
  background: string | null;
  texts: TextMeasure[];
}

async function allCharts(): Promise<ChartCase[]> {
  const fromNotebooks = (await executedNotebooks()).flatMap((n) => n.charts);
  const fromBuilders = await Promise.all(
    builderCharts().map(async ({ where, chart }) => {
      const bundle = await chart.toBundle();
      return {
        where,
        spec: bundle[VEGA_LITE_MIME] as unknown as Record<string, unknown>,
        mimes: Object.keys(bundle).sort(),
        svg: bundle["image/svg+xml"],
      };
    }),
  );
  return [...fromNotebooks, ...fromBuilders];
}

Deno.test({
  name: "renderer: every chart drawn as JupyterLab and VS Code draw it, light and dark",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    checkChromium();
    const charts = await allCharts();
    const pageScript = await Deno.readTextFile(new URL("./renderer/page.js", import.meta.url));
    const shots = Deno.env.get("LOSSLAB_SCREENSHOTS") === "1";
    const browser = await launchChromium();
    try {
      await browser.context.setOffline(true);
      await t.step(
        "SVG fallback (classic Notebook, nbconvert, GitHub) on a dark page",
        async () => {
          const failures = await measureFallbacks(browser.context, charts, pageScript);
          assert.deepEqual(failures, [], `SVG fallback:\n  ${failures.join("\n  ")}`);
        },
      );
      for (const frontEnd of FRONT_ENDS) {
        for (const theme of ["light", "dark"] as const) {
          await t.step(`${frontEnd.name} ${theme}`, async () => {
            const failures = await drawAll(browser.context, frontEnd, theme, charts, pageScript);
            assert.deepEqual(
              failures,
              [],
              `${frontEnd.name} ${theme}:\n  ${failures.join("\n  ")}`,
            );
          });
          if (shots && theme === "dark") {
            await screenshots(browser.context, frontEnd, charts, pageScript);
          }
        }
      }
    } finally {
      await browser.close();
      await cleanUp();
    }
  },
});

type Context = Awaited<ReturnType<typeof launchChromium>>["context"];

async function openFrontEnd(
  context: Context,
  frontEnd: FrontEnd,
  theme: "light" | "dark",
  pageScript: string,
) {
  const page = await context.newPage();
  const messages: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => messages.push(`page error: ${e.message}`));
  await page.setContent(
    "<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>",
  );
  for (const p of frontEnd.packages) await page.addScriptTag({ path: buildPath(p) });
  await page.addScriptTag({ content: pageScript });
  await page.evaluate(
    ([kind, th, bg]) =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).losslabTheme(kind, th, bg),
    [frontEnd.kind, theme, frontEnd.background[theme]] as const,
  );
  return { page, messages };
}

function render(
  page: Awaited<ReturnType<Context["newPage"]>>,
  frontEnd: FrontEnd,
  theme: "light" | "dark",
  chart: ChartCase,
  keep = false,
): Promise<RenderResult> {
  return page.evaluate(
    ([kind, spec, mimes, bg, keepIt]) =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).losslabRender(kind, spec, mimes, bg, keepIt),
    [frontEnd.kind, chart.spec, chart.mimes, frontEnd.background[theme], keep] as const,
  ) as Promise<RenderResult>;
}

/** Draws every chart in one front end and theme; returns what failed, one line each. */
async function drawAll(
  context: Context,
  frontEnd: FrontEnd,
  theme: "light" | "dark",
  charts: ChartCase[],
  pageScript: string,
): Promise<string[]> {
  const { page, messages } = await openFrontEnd(context, frontEnd, theme, pageScript);
  const failures: string[] = [];
  let worst = { ratio: Infinity, where: "" };
  let texts = 0;
  const started = performance.now();
  try {
    for (const chart of charts) {
      messages.length = 0;
      const r = await render(page, frontEnd, theme, chart);
      if (r.error) {
        failures.push(`${chart.where}: embed failed: ${r.error.split("\n")[0]}`);
        continue;
      }
      for (const m of messages) failures.push(`${chart.where}: ${m}`);
      if (r.marks === 0) failures.push(`${chart.where}: no data marks drawn`);
      if (r.drawnSize[0] < 50 || r.drawnSize[1] < 50) {
        failures.push(`${chart.where}: drawn ${r.renderer} is ${r.drawnSize.join("x")} px`);
      }
      if (r.texts.length === 0) failures.push(`${chart.where}: no text drawn`);
      for (const tx of r.texts) {
        texts++;
        if (tx.ratio < worst.ratio) {
          worst = {
            ratio: tx.ratio,
            where: `${chart.where} "${tx.text}" ${tx.color} on ${tx.behind}`,
          };
        }
        if (tx.ratio < MIN_CONTRAST) {
          failures.push(
            `${chart.where}: text "${tx.text}" (${tx.role}) is ${tx.color} on ${tx.behind}, ` +
              `contrast ${tx.ratio.toFixed(2)}:1`,
          );
        }
      }
    }
  } finally {
    await page.close();
  }
  console.log(
    `  ${frontEnd.name} ${theme}: ${charts.length} charts, ${texts} texts in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s; lowest contrast ${worst.ratio.toFixed(2)}:1 (${worst.where})`,
  );
  return failures;
}

/** Every chart's static SVG on a dark page: every text at 4.5:1 against what is behind it. */
async function measureFallbacks(
  context: Context,
  charts: ChartCase[],
  pageScript: string,
): Promise<string[]> {
  const page = await context.newPage();
  const failures: string[] = [];
  let worst = { ratio: Infinity, where: "" };
  try {
    await page.setContent("<!doctype html><html><body style='background:#111111'></body></html>");
    await page.addScriptTag({ content: pageScript });
    for (const chart of charts) {
      const { texts } = await page.evaluate(
        ([svg, bg]) =>
          // deno-lint-ignore no-explicit-any
          (globalThis as any).losslabMeasureSvg(svg, bg),
        [chart.svg, "#111111"] as const,
      ) as { texts: TextMeasure[] };
      if (texts.length === 0) failures.push(`${chart.where}: the SVG has no text`);
      for (const tx of texts) {
        if (tx.ratio < worst.ratio) {
          worst = { ratio: tx.ratio, where: `${chart.where} "${tx.text}"` };
        }
        if (tx.ratio < MIN_CONTRAST) {
          failures.push(
            `${chart.where}: SVG text "${tx.text}" is ${tx.color} on ${tx.behind}, ` +
              `contrast ${tx.ratio.toFixed(2)}:1`,
          );
        }
      }
    }
  } finally {
    await page.close();
  }
  console.log(`  SVG fallback: lowest contrast ${worst.ratio.toFixed(2)}:1 (${worst.where})`);
  return failures;
}

// Two charts a learner meets early: notebook 00's per-sample chart and the first chart of 02.
async function screenshots(
  context: Context,
  frontEnd: FrontEnd,
  charts: ChartCase[],
  pageScript: string,
): Promise<void> {
  const picks = [
    charts.find((c) => c.where.startsWith("00_")),
    charts.find((c) => c.where.startsWith("02_")),
  ].filter((c): c is ChartCase => c !== undefined);
  const dir = `${ROOT}build/screenshots`;
  await Deno.mkdir(dir, { recursive: true });
  const { page } = await openFrontEnd(context, frontEnd, "dark", pageScript);
  try {
    await page.setViewportSize({ width: 900, height: 400 });
    for (const chart of picks) await render(page, frontEnd, "dark", chart, true);
    const path = `${dir}/renderer-${frontEnd.name}-dark.png`;
    await page.screenshot({ path, fullPage: true });
    console.log(`  screenshot: ${path} (${picks.map((c) => c.where).join(", ")})`);
  } finally {
    await page.close();
  }
}

Deno.test({
  name: "renderer: every executed notebook ≤ 1 MB and every chart bundle ≤ 300 KB",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    try {
      const notebooks = await executedNotebooks();
      const lines = notebooks.map((n) =>
        `${n.name} ${(n.bytes / 1000).toFixed(0)} KB, largest chart ${
          (Math.max(0, ...n.charts.map((c) => c.bundleBytes ?? 0)) / 1000).toFixed(0)
        } KB`
      );
      console.log(`  ${lines.join("\n  ")}`);
      const big = notebooks.filter((n) => n.bytes > MAX_NOTEBOOK_BYTES)
        .map((n) => `${n.name}: ${n.bytes} bytes`);
      const heavy = notebooks.flatMap((n) => n.charts)
        .filter((c) => (c.bundleBytes ?? 0) > MAX_BUNDLE_BYTES)
        .map((c) => `${c.where}: chart bundle of ${c.bundleBytes} bytes`);
      assert.deepEqual([...big, ...heavy], [], "executed notebooks or charts over the size limits");
    } finally {
      await cleanUp();
    }
  },
});
