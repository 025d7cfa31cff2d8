/**
 * Printable handouts: one PDF per executed notebook and one for the whole series, printed by
 * Debian's Chromium (headless, through playwright-core) from the executed HTML, with no network.
 *
 * Usage: `deno run -A tools/handouts.ts [NOTEBOOK ...] [--build DIR] [--out DIR]
 * [--format A4|Letter]` (part of `./losslab slides`).
 *
 * For each notebook of notebooks/NN_*.ipynb (or only the ones named), it reads the executed
 * notebook DIR/NAME.ipynb and nbconvert's page of it DIR/NAME.html (both written by
 * `./losslab notebooks`; default DIR build/), and writes OUT/NAME.pdf and, for all of them,
 * OUT/losslab_series.pdf (default OUT build/handouts/). The print HTML behind each PDF stays in
 * OUT/html/ (what was printed, for checking and for hosts who prefer a page to a PDF).
 *
 * The print HTML is nbconvert's rendering of the executed notebook (its Markdown, code and outputs,
 * kept as they are) in a print stylesheet: a title block, a table of contents of the `##` sections
 * (for the series: a title page listing every notebook and its sections), each chart as a PNG
 * drawn by the kit's `rasterizeSVG` (one image per chart in the PDF), code wrapped rather than cut,
 * page numbers in the footer and a PDF outline (bookmarks). Every request that is not a file: URL
 * is aborted, and any such request fails the run. Prints one line per PDF (name, pages, charts).
 * The contents' page numbers are read back from a first printing (see `printHandout`).
 *
 * Measured: the nine PDFs of the eight notebooks (78 pages for the series) in 28 s on an idle
 * 2-core machine (2 s of it drawing the 18 charts, 20 s the series); 48 s while other jobs ran.
 *
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS } from "./chromium.ts";
import {
  escapeHtml,
  forHandout,
  handoutHtml,
  type HandoutNotebook,
  type PdfFacts,
  pdfFacts,
  type PreparedNotebook,
  prepareNotebook,
} from "./_handout_page.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** The series PDF's file name (without .pdf). */
export const SERIES = "losslab_series";
const SERIES_TITLE = "losslab: one number for the batch, or an array of per-sample losses?";
/** Charts are drawn at twice their screen size: sharp on paper at their printed width. */
const CHART_SCALE = 2;
const FORMATS = ["A4", "Letter"];

/** What the command line asked for. */
export interface HandoutOptions {
  /** Where the executed notebooks are (`--build`, default build/). */
  build: string;
  /** Where the PDFs go (`--out`, default build/handouts/). */
  out: string;
  /** Paper: "A4" (default) or "Letter" (`--format`). */
  format: string;
  /** Notebook names to print (default: all of notebooks/NN_*.ipynb). */
  only: string[];
}

function fail(message: string): never {
  throw new Error(`handouts: ${message}`);
}

/** Parses the command line (see the module doc). */
export function parseArgs(args: string[]): HandoutOptions {
  const options: HandoutOptions = {
    build: `${ROOT}build`,
    out: `${ROOT}build/handouts`,
    format: "A4",
    only: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--build" || arg === "--out" || arg === "--format") {
      const value = args[++i];
      if (value === undefined || value.startsWith("--")) fail(`${arg} needs a value`);
      if (arg === "--format" && !FORMATS.includes(value)) {
        fail(`--format is "${value}", expected one of ${FORMATS.join(", ")}`);
      }
      options[arg.slice(2) as "build" | "out" | "format"] = value.replace(/\/+$/, "") || "/";
    } else if (arg.startsWith("--")) {
      fail(`unknown option ${arg} (expected --build DIR, --out DIR, --format A4|Letter)`);
    } else {
      options.only.push(arg.replace(/\.ipynb$/, "").replace(/^.*\//, ""));
    }
  }
  return options;
}

/** The notebooks of the series: notebooks/NN_*.ipynb, in name order, or the ones named. */
function notebookNames(only: string[]): string[] {
  const all = [...Deno.readDirSync(`${ROOT}notebooks`)]
    .filter((e) => e.isFile && /^\d\d_.*\.ipynb$/.test(e.name))
    .map((e) => e.name.replace(/\.ipynb$/, ""))
    .sort();
  const unknown = only.filter((n) => !all.includes(n));
  if (unknown.length) {
    fail(`no notebook ${unknown.join(", ")} in notebooks/ (there are: ${all.join(", ")})`);
  }
  return only.length ? all.filter((n) => only.includes(n)) : all;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The page footer: the handout's title and "page N of M", filled in by Chromium. */
function footer(title: string): string {
  return `<div style="font-family: 'DejaVu Sans', sans-serif; font-size: 7pt; color: #555; ` +
    `width: 100%; margin: 0 15mm; display: flex; justify-content: space-between;">` +
    `<span>${escapeHtml(title)}</span><span>page <span class="pageNumber"></span> of ` +
    `<span class="totalPages"></span></span></div>`;
}

/** The most printings of one handout while its contents' page numbers settle. */
const MAX_PRINTINGS = 3;

/**
 * Prints one handout to `pdf`, its print HTML kept in `html`. The contents' page numbers come
 * from the PDF itself: a first printing without them says on which page each linked heading
 * landed (Chromium's named destinations), a second printing fills them in; the numbers cannot
 * move anything (their column has a fixed width), and a printing whose pages differ from the
 * numbers it shows is printed again.
 */
async function printHandout(
  page: Page,
  job: { title: string; notebooks: HandoutNotebook[]; series: boolean },
  options: { html: string; pdf: string; css: string; format: string; checkNetwork: () => void },
): Promise<{ bytes: Uint8Array; facts: PdfFacts; printings: number }> {
  let pages: Map<string, number> = new Map();
  for (let printing = 1;; printing++) {
    const html = handoutHtml({ ...job, css: options.css, pages });
    await Deno.writeTextFile(options.html, html);
    await page.goto(`file://${options.html}`, { waitUntil: "load", timeout: 60_000 });
    options.checkNetwork();
    // Every image decoded before printing: a PNG still decoding would print as a blank box.
    // (A string: the page's DOM types are not in Deno's type library.)
    await page.evaluate(
      "Promise.all([...document.images].map((img) => img.decode().catch(() => {})))",
    );
    // The first printing only finds the pages: without the footer and the tagging (the outline),
    // which change no layout but take most of the time on a long handout.
    const final = printing > 1;
    const bytes = await page.pdf({
      format: options.format,
      margin: { top: "14mm", bottom: "16mm", left: "15mm", right: "15mm" },
      printBackground: true,
      displayHeaderFooter: final,
      headerTemplate: "<span></span>",
      footerTemplate: footer(job.title),
      // Chromium writes the outline (PDF bookmarks, one per heading) only into a tagged PDF.
      outline: final,
      tagged: final,
    });
    const facts = pdfFacts(bytes, options.pdf);
    const listed = job.notebooks.flatMap((nb) => [nb.id, ...nb.sections.map((s) => s.id)])
      .filter((id) => job.series || !id.startsWith("nb-"));
    const missing = listed.filter((id) => !facts.destinations.has(id));
    if (missing.length) {
      fail(`${options.pdf}: the contents link to ${missing.join(", ")}, which the PDF lacks`);
    }
    const settled = final && listed.every((id) => pages.get(id) === facts.destinations.get(id));
    if (settled || printing === MAX_PRINTINGS) {
      if (!settled) fail(`${options.pdf}: the contents' page numbers did not settle`);
      await Deno.writeFile(options.pdf, bytes);
      return { bytes, facts, printings: printing };
    }
    pages = facts.destinations;
  }
}

/** Builds every handout; returns what it printed, one entry per PDF. */
export async function buildHandouts(
  options: HandoutOptions,
): Promise<{ file: string; pages: number; charts: number; images: number }[]> {
  const names = notebookNames(options.only);
  const missing = names.flatMap((
    n,
  ) => [`${options.build}/${n}.ipynb`, `${options.build}/${n}.html`])
    .filter((p) => !exists(p));
  if (missing.length) {
    fail(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing: the handouts are ` +
        "printed from the executed notebooks; run `./losslab notebooks` first",
    );
  }
  const preparing = performance.now();
  const prepared: PreparedNotebook[] = [];
  for (const name of names) {
    prepared.push(
      await prepareNotebook({
        name,
        ipynb: `${options.build}/${name}.ipynb`,
        html: `${options.build}/${name}.html`,
      }, CHART_SCALE),
    );
  }
  console.log(
    `handouts: ${names.length} notebooks read, ${
      prepared.reduce((n, nb) => n + nb.charts, 0)
    } charts drawn as PNG (${((performance.now() - preparing) / 1000).toFixed(1)} s)`,
  );
  const css = prepared[0]?.css ?? "";
  const series = new Set(names);
  const jobs: { name: string; title: string; notebooks: HandoutNotebook[]; series: boolean }[] = [
    ...prepared.map((nb) => {
      const one = forHandout(nb, new Set([nb.name]));
      return { name: nb.name, title: one.title, notebooks: [one], series: false };
    }),
    {
      name: SERIES,
      title: SERIES_TITLE,
      notebooks: prepared.map((nb) => forHandout(nb, series)),
      series: true,
    },
  ];

  await Deno.mkdir(`${options.out}/html`, { recursive: true });
  const out = Deno.realPathSync(options.out);
  const attempted: string[] = [];
  let browser: Browser | null = null;
  const results: { file: string; pages: number; charts: number; images: number }[] = [];
  try {
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Everything but loopback goes to a port where nothing listens, on top of the route below.
        args: [...CHROMIUM_FLAGS, "--proxy-server=127.0.0.1:9"],
        timeout: 30_000,
      });
    } catch (error) {
      fail(
        `${CHROMIUM} did not start (${(error as Error).message.split("\n")[0]}); ` +
          "run `bash tools/setup.sh --browser`",
      );
    }
    const context = await browser.newContext();
    // The network is cut: a handout that asks for anything but a local file (a web font, a CDN
    // script, an image) would print differently off-line, so any such request fails the run.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      attempted.push(url);
      return route.abort("internetdisconnected");
    });
    const checkNetwork = () => {
      if (attempted.length) {
        fail(
          `printing asked the network for ${attempted.join(", ")} (aborted; expected no request)`,
        );
      }
    };
    // Two tabs print at once, the long series first: one tab loads and lays out while the other
    // prints (measured on a busy 2-core machine: 63 s for all nine with one tab, 48 s with two).
    const queue = [jobs.length - 1, ...jobs.keys()].filter((j, i, all) => all.indexOf(j) === i);
    const printed: (typeof results[number] | undefined)[] = [];
    const worker = async () => {
      const page = await context.newPage();
      page.on("request", (r) => {
        if (!/^(file|data|blob|about):/.test(r.url()) && !attempted.includes(r.url())) {
          attempted.push(r.url());
        }
      });
      for (let j = queue.shift(); j !== undefined; j = queue.shift()) {
        const job = jobs[j];
        const started = performance.now();
        const { facts, printings } = await printHandout(page, job, {
          html: `${out}/html/${job.name}.html`,
          pdf: `${out}/${job.name}.pdf`,
          css,
          format: options.format,
          checkNetwork,
        });
        const charts = job.notebooks.reduce((sum, nb) => sum + nb.charts, 0);
        const sections = job.notebooks.reduce((sum, nb) => sum + nb.sections.length, 0);
        console.log(
          `${job.name}.pdf: ${facts.pages} pages, ${charts} charts (${facts.images} images), ` +
            `${sections} sections in the contents (${printings} printings, ${
              ((performance.now() - started) / 1000).toFixed(1)
            } s)`,
        );
        if (facts.images !== charts) {
          fail(
            `${out}/${job.name}.pdf holds ${facts.images} images, expected ${charts} (one per chart)`,
          );
        }
        printed[j] = { file: `${out}/${job.name}.pdf`, charts, ...facts };
      }
    };
    await Promise.all([worker(), worker()]);
    results.push(...printed.filter((r) => r !== undefined));
    checkNetwork();
  } finally {
    await browser?.close();
  }
  return results;
}

async function main(): Promise<void> {
  const started = performance.now();
  try {
    const options = parseArgs(Deno.args);
    const results = await buildHandouts(options);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`handouts: ${results.length} PDFs in ${options.out} (${seconds} s)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
