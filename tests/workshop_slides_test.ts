/**
 * The workshop decks: tools/slides.py writes one reveal.js deck per notebook into build/slides/,
 * and a host presents it from file:// in a room with no network.
 *
 * Without a browser (always): every notebook cell carries exactly one slide type and no other cell
 * metadata, the title and every `## ` section heading start a slide.
 *
 * Integration (LOSSLAB_INTEGRATION=1, `deno task test:workshop`): tools/slide_types.py --check finds
 * the committed types where its rule puts them; tools/slides.py builds every deck; each deck's HTML
 * and the stylesheets it links name no http(s) script, style, image or font; then every deck is
 * opened from file:// in Debian's Chromium with the network cut (every request that is not a file
 * is aborted and recorded) and stepped through with Reveal's API, fragment by fragment, to the
 * end. Every slide is visited, every chart the executed notebook (build/NAME.ipynb) holds is drawn
 * on some slide as an <svg> with marks and a non-zero size that fits the slide, every section
 * heading opens a slide, no page error, no request. One screenshot of the title and of the first
 * chart slide per deck go to build/screenshots/slides/.
 *
 * @module
 */
import { assert } from "./assert.ts";
import { checkChromium, launchChromium } from "../tools/chromium.ts";
import type { Page } from "playwright-core";

const ROOT = new URL("../", import.meta.url).pathname;
const SLIDES = `${ROOT}build/slides`;
const SCREENSHOTS = `${ROOT}build/screenshots/slides`;
const TYPES = ["slide", "subslide", "fragment", "skip", "notes", "-"];
const SVG_MIME = "image/svg+xml";
const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
/** A deck has a few dozen slides and fragments; far more steps means Reveal.next() is stuck. */
const MAX_STEPS = 2_000;

// Building and stepping through eight decks in a browser takes a minute: `deno task test:workshop`
// sets this, and plain `deno test` (the unit tests) runs only the metadata test.
const INTEGRATION = Deno.env.get("LOSSLAB_INTEGRATION") === "1";

interface Cell {
  cell_type: string;
  id?: string;
  metadata?: Record<string, unknown>;
  source: string | string[];
  outputs?: { data?: Record<string, unknown> }[];
}

const NOTEBOOKS = [...Deno.readDirSync(`${ROOT}notebooks`)]
  .filter((e) => e.isFile && /^\d\d_.*\.ipynb$/.test(e.name))
  .map((e) => e.name)
  .sort();

function cells(path: string): Cell[] {
  return (JSON.parse(Deno.readTextFileSync(path)) as { cells: Cell[] }).cells;
}

function text(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** The level-2 headings of a markdown text, outside ``` fences. */
function sectionHeadings(markdown: string): string[] {
  return markdown.replace(/^```[\s\S]*?^```.*$/gm, "").split("\n")
    .filter((line) => /^## \S/.test(line)).map((line) => line.slice(3).trim());
}

Deno.test("workshop slides: every cell has one slide type, sections start slides", () => {
  assert.ok(NOTEBOOKS.length > 0, "no notebooks/NN_*.ipynb");
  const problems: string[] = [];
  for (const name of NOTEBOOKS) {
    cells(`${ROOT}notebooks/${name}`).forEach((cell, i) => {
      const where = `${name} cell ${i + 1}`;
      const keys = Object.keys(cell.metadata ?? {});
      const slideshow = cell.metadata?.slideshow as Record<string, unknown> | undefined;
      const type = slideshow?.slide_type;
      if (keys.join() !== "slideshow" || Object.keys(slideshow ?? {}).join() !== "slide_type") {
        problems.push(
          `${where}: metadata ${JSON.stringify(cell.metadata)}, expected only slideshow`,
        );
      } else if (!TYPES.includes(String(type))) {
        problems.push(`${where}: slide_type ${JSON.stringify(type)} is not one of ${TYPES}`);
      }
      const heads = cell.cell_type === "markdown" ? sectionHeadings(text(cell)) : [];
      if ((i === 0 || heads.length > 0) && type !== "slide") {
        problems.push(`${where} (${heads[0] ?? "title"}): slide_type ${type}, expected "slide"`);
      }
    });
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

async function run(args: string[]): Promise<{ code: number; log: string }> {
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, log: (decode(stdout) + decode(stderr)).trimEnd() };
}

Deno.test({
  name: "workshop slides: tools/slide_types.py --check finds every type where its rule puts it",
  ignore: !INTEGRATION,
}, async () => {
  const { code, log } = await run([`${ROOT}tools/slide_types.py`, "--check"]);
  assert.equal(code, 0, `tools/slide_types.py --check exited ${code}:\n${log}`);
});

/** Charts of an executed notebook: outputs carrying an SVG or a Vega-Lite spec. */
function chartsOf(executedPath: string): number {
  return cells(executedPath).flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data && (SVG_MIME in o.data || VEGA_LITE_MIME in o.data)).length;
}

/** Every http(s) URL the deck or a stylesheet it links would fetch (links to read are fine). */
function remoteResources(deck: string): string[] {
  const html = Deno.readTextFileSync(`${SLIDES}/${deck}`);
  const found: string[] = [];
  const fetched =
    /<(script|img|iframe|embed|source|video|audio|object)\b[^>]*?\b(?:src|data)\s*=\s*["']?(https?:[^"'\s>]*)/gi;
  for (const m of html.matchAll(fetched)) found.push(`<${m[1]}> ${m[2]}`);
  for (const m of html.matchAll(/<link\b[^>]*?\bhref\s*=\s*["']?(https?:[^"'\s>]*)/gi)) {
    found.push(`<link> ${m[1]}`);
  }
  const css = (source: string, where: string) => {
    for (const m of source.matchAll(/(?:url\(\s*["']?|@import\s+["'])(https?:[^"')\s]*)/gi)) {
      found.push(`${where}: ${m[1]}`);
    }
  };
  for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) css(m[1], "<style>");
  // The stylesheets the deck links, and the ones they import (the theme's fonts).
  const sheets = [...html.matchAll(/<link\b[^>]*?\bhref\s*=\s*["']([^"']+\.css)["']/gi)]
    .map((m) => `${SLIDES}/${m[1]}`);
  for (let i = 0; i < sheets.length; i++) {
    const source = Deno.readTextFileSync(sheets[i]);
    css(source, sheets[i].slice(ROOT.length));
    for (const m of source.matchAll(/@import\s+url\(\s*["']?(\.[^"')]+)/g)) {
      sheets.push(new URL(m[1], `file://${sheets[i]}`).pathname);
    }
  }
  return found;
}

/** What one step of the deck shows. */
interface Shown {
  slide: string;
  heading: string | null;
  overflows: boolean;
  charts: { index: number; marks: number; width: number; height: number; slideWidth: number }[];
}

/** Reads the current slide: its index, first heading, and every chart visible on it. */
function readSlide(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    // The page's DOM (this function runs in Chromium; the test is type-checked without the DOM).
    // deno-lint-ignore no-explicit-any
    const w = globalThis as any;
    const slide = w.Reveal.getCurrentSlide();
    const { h, v } = w.Reveal.getIndices();
    const slideWidth = slide.getBoundingClientRect().width;
    const all = [...w.document.querySelectorAll(".losslab-chart svg")];
    const charts = [...slide.querySelectorAll(".losslab-chart svg")].flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      // A fragment not yet shown is there but hidden; a chart in speaker notes is not on a slide.
      if (w.getComputedStyle(svg).visibility !== "visible" || svg.closest("aside.notes")) return [];
      let marks = 0;
      for (const m of svg.querySelectorAll('g[class*="mark-"] > *')) {
        const r = m.getBoundingClientRect();
        if (r.width > 0 || r.height > 0) marks++;
      }
      return [{ index: all.indexOf(svg), marks, width: box.width, height: box.height, slideWidth }];
    });
    const heading = slide.querySelector("h1, h2")?.textContent?.replace(/¶/g, "").trim() ?? null;
    return {
      slide: `${h}/${v}`,
      heading,
      overflows: slide.scrollHeight > slide.clientHeight + 2,
      charts,
    };
  });
}

Deno.test({
  name: "workshop slides: every deck builds, opens from file:// offline, shows every chart",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  checkChromium();
  const started = performance.now();
  const build = await run([`${ROOT}tools/slides.py`]);
  console.log(build.log);
  assert.equal(build.code, 0, `tools/slides.py exited ${build.code}:\n${build.log}`);
  console.log(`  decks built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await Deno.mkdir(SCREENSHOTS, { recursive: true });

  const browser = await launchChromium();
  try {
    for (const name of NOTEBOOKS) {
      await t.step(name, async () => {
        const stem = name.replace(/\.ipynb$/, "");
        const deck = `${stem}.slides.html`;
        assert.deepEqual(remoteResources(deck), [], `${deck} links resources on the network`);
        const expectedCharts = chartsOf(`${ROOT}build/${name}`);
        const headings = cells(`${ROOT}notebooks/${name}`).filter((c) => c.cell_type === "markdown")
          .flatMap((c) => sectionHeadings(text(c)));

        const page = await browser.context.newPage();
        const blocked: string[] = [];
        const errors: string[] = [];
        // The network cut, on top of the dead proxy launchChromium sets: nothing but files loads,
        // and every other request is recorded.
        await page.route("**/*", (route) => {
          const url = route.request().url();
          if (/^(file|data|blob|about):/.test(url)) return route.continue();
          blocked.push(url);
          return route.abort();
        });
        page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
        page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
        page.on("requestfailed", (r) => errors.push(`failed to load ${r.url()}`));
        try {
          await page.setViewportSize({ width: 1280, height: 720 });
          await page.goto(`file://${SLIDES}/${deck}`, { waitUntil: "load", timeout: 30_000 });
          await page.waitForSelector("html[data-deck=ready]", { timeout: 20_000 }).catch(() => {
            throw new Error(`${deck}: Reveal did not start: ${errors.join("; ") || "no error"}`);
          });
          const total = await page.evaluate(() => {
            // deno-lint-ignore no-explicit-any
            const reveal = (globalThis as any).Reveal;
            reveal.configure({ transition: "none" }); // no slide is read mid-animation
            reveal.slide(0, 0, -1); // the first slide, before its first fragment
            return reveal.getTotalSlides() as number;
          });
          const inDocument = await page.$$eval(
            ".losslab-chart svg",
            (svgs) => svgs.filter((s) => !s.closest("aside.notes")).length,
          );
          await page.screenshot({ path: `${SCREENSHOTS}/${stem}-title.png` });

          const visited = new Set<string>();
          const drawn = new Map<number, Shown["charts"][number]>();
          const openers = new Set<string>();
          const tall = new Set<string>();
          let chartShot = false;
          for (let step = 0;; step++) {
            assert.ok(step < MAX_STEPS, `${deck}: still not at the end after ${MAX_STEPS} steps`);
            const shown = await readSlide(page);
            if (!visited.has(shown.slide) && shown.heading) openers.add(shown.heading);
            visited.add(shown.slide);
            if (shown.overflows) tall.add(shown.slide);
            for (const c of shown.charts) {
              const best = drawn.get(c.index);
              if (!best || c.marks > best.marks) drawn.set(c.index, c);
              if (!chartShot && c.marks > 0) {
                await page.screenshot({ path: `${SCREENSHOTS}/${stem}-chart.png` });
                chartShot = true;
              }
            }
            const more = await page.evaluate(() => {
              // deno-lint-ignore no-explicit-any
              const reveal = (globalThis as any).Reveal;
              if (reveal.isLastSlide() && !reveal.availableFragments().next) return false;
              reveal.next();
              return true;
            });
            if (!more) break;
          }
          console.log(
            `  ${deck}: ${visited.size} of ${total} slides visited, ${drawn.size} of ` +
              `${expectedCharts} charts drawn, ${tall.size} slides scroll (${[...tall].join(" ")})`,
          );

          assert.equal(visited.size, total, `${deck}: visited ${visited.size} of ${total} slides`);
          assert.equal(
            inDocument,
            expectedCharts,
            `${deck}: ${inDocument} chart SVGs on slides, build/${name} has ${expectedCharts} charts`,
          );
          assert.equal(drawn.size, expectedCharts, `${deck}: charts seen ${[...drawn.keys()]}`);
          for (const [index, c] of drawn) {
            const at = `${deck} chart ${index + 1}`;
            assert.ok(c.marks > 0, `${at}: its <svg> has no drawn marks`);
            assert.ok(c.width > 50 && c.height > 50, `${at}: drawn ${c.width}x${c.height} px`);
            assert.ok(
              c.width <= c.slideWidth + 1,
              `${at}: ${c.width} px wide, wider than its ${c.slideWidth} px slide`,
            );
          }
          const missing = headings.filter((h) => !openers.has(h));
          assert.deepEqual(missing, [], `${deck}: sections that do not open a slide`);
          assert.deepEqual(blocked, [], `${deck}: requests to the network`);
          assert.deepEqual(errors, [], `${deck}: errors`);
        } finally {
          await page.close();
        }
      });
    }
  } finally {
    await browser.close();
  }
});
