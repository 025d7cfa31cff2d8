/**
 * The printable handouts: tools/handouts.ts prints one PDF per executed notebook and one for the
 * series, with Debian's Chromium and no network.
 *
 * Without a browser (always): the print HTML helpers take the title and `##` sections from the
 * Markdown cells only (not from code in a fence, not from an output), keep web links and turn links
 * a printed page cannot follow into text.
 *
 * Integration (LOSSLAB_INTEGRATION=1, `deno task test:workshop`): the tool prints every handout
 * into a temporary folder (`--out`); each PDF is then read by a small PDF reader of this file's
 * own (Chromium writes plain objects; page content is deflated and decoded here with each font's
 * ToUnicode map), and checked against facts taken from the executed notebooks (build/NAME.ipynb)
 * independently of the tool:
 * - it is a PDF (`%PDF-` … `%%EOF`), A4, its page tree, `/Count` and `/Type /Page` objects agree;
 * - its pages are at least a bound computed from the notebook's size (see {@linkcode pageBound});
 * - it holds one image per chart of the notebook (outputs with an SVG or a Vega-Lite spec), each
 *   with its chart's aspect ratio; the series holds every notebook's;
 * - every page's footer reads "page N of M";
 * - the table of contents (page 1; the series: the pages before its first notebook) lists every
 *   `##` section in order, each with the page its heading is printed on, as Chromium's own PDF
 *   outline (bookmarks made from the headings) places it; in the series each notebook starts on a
 *   new page;
 * - the print HTML loads nothing (no script, stylesheet link, font or non-`data:` image), and the
 *   tool fails, naming the URL, when a page does ask the network for something; it fails naming
 *   the missing file and `./losslab notebooks` when an executed notebook is missing.
 *
 * @module
 */
import { assert } from "./assert.ts";
import { checkChromium } from "../tools/chromium.ts";
import { htmlText, outline, rewriteLinks } from "../tools/_handout_page.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const BUILD = `${ROOT}build`;
const TOOL = `${ROOT}tools/handouts.ts`;
const SERIES = "losslab_series";
const SVG_MIME = "image/svg+xml";
const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

// Printing nine PDFs takes a minute: `deno task test:workshop` sets this, and plain `deno test`
// (the unit tests) runs only the tests without a browser.
const INTEGRATION = Deno.env.get("LOSSLAB_INTEGRATION") === "1";

const NOTEBOOKS = [...Deno.readDirSync(`${ROOT}notebooks`)]
  .filter((e) => e.isFile && /^\d\d_.*\.ipynb$/.test(e.name))
  .map((e) => e.name.replace(/\.ipynb$/, ""))
  .sort();

// ---------------------------------------------------------------------------------------------
// What the executed notebooks say, read from their JSON.

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[];
}

/** One executed notebook as the handout must show it. */
interface Expected {
  name: string;
  title: string;
  sections: string[];
  /** Width / height of each chart's SVG, in notebook order. */
  chartRatios: number[];
  bound: number;
}

const joined = (s: string | string[] | undefined) => Array.isArray(s) ? s.join("") : s ?? "";

/** Markdown headings of one level (`#` or `##`), skipping fenced code. */
function headings(markdown: string, level: number): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const m = line.match(/^(#+)\s+(.*?)\s*#*\s*$/);
    if (!fence && m && m[1].length === level) out.push(m[2]);
  }
  return out;
}

/**
 * The fewest A4 pages the notebook's content can fill when printed readably: every code line and
 * printed output line takes a line of its own, prose flows. A4's 297 mm less at least 10 mm of
 * margin top and bottom leaves at most 785 pt; type of at least 7 pt with 1.2 leading takes 8.4 pt
 * a line, so at most 93 lines a page; on a 510 pt line (A4 less 15 mm margins) 7 pt prose holds
 * about 24 words (6 characters of 0.5 em each), so at most about 2,250 words a page. Charts,
 * headings and spacing only add pages.
 */
function pageBound(cells: Cell[]): number {
  let lines = 0;
  let words = 0;
  for (const cell of cells) {
    if (cell.cell_type === "markdown") words += joined(cell.source).split(/\s+/).length;
    if (cell.cell_type !== "code") continue;
    lines += joined(cell.source).split("\n").length;
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "stream") lines += joined(o.text).replace(/\n$/, "").split("\n").length;
      const md = o.data?.["text/markdown"];
      if (md) words += joined(md as string | string[]).split(/\s+/).length;
    }
  }
  return Math.ceil(lines / 93 + words / 2250);
}

function expectedOf(name: string): Expected {
  const file = `${BUILD}/${name}.ipynb`;
  const cells = (JSON.parse(Deno.readTextFileSync(file)) as { cells: Cell[] }).cells;
  const markdown = cells.filter((c) => c.cell_type === "markdown").map((c) => joined(c.source));
  const title = markdown.flatMap((m) => headings(m, 1))[0];
  assert.ok(title, `${file}: no "#" title`);
  const chartRatios: number[] = [];
  for (const o of cells.flatMap((c) => c.outputs ?? [])) {
    if (!o.data || !(SVG_MIME in o.data || VEGA_LITE_MIME in o.data)) continue;
    const svg = joined(o.data[SVG_MIME] as string | string[]);
    const root = svg.match(/<svg\b[^>]*>/)?.[0] ?? "";
    const w = Number(root.match(/\swidth="([\d.]+)/)?.[1]);
    const h = Number(root.match(/\sheight="([\d.]+)/)?.[1]);
    chartRatios.push(w / h);
  }
  return {
    name,
    title,
    sections: markdown.flatMap((m) => headings(m, 2)),
    chartRatios,
    bound: pageBound(cells),
  };
}

/**
 * Text for matching: Markdown link targets dropped, ligatures (ﬂ) as letters, only letters and
 * digits, one space between runs of them.
 */
function norm(text: string): string {
  return text.replace(/\]\([^)]*\)/g, "").normalize("NFKC").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Text for matching a PDF outline title: Chromium drops the space where a heading wraps. */
function squash(text: string): string {
  return norm(text).replace(/ /g, "");
}

// ---------------------------------------------------------------------------------------------
// A PDF reader for what Chromium (Skia) writes: plain objects, deflated streams, Identity-H fonts.

interface PdfPage {
  id: string;
  mediaBox: number[];
  text: string;
}

interface OutlineEntry {
  title: string;
  page: number;
  depth: number;
}

interface Pdf {
  pages: PdfPage[];
  /** `/Count` of the root page tree node, and the number of `/Type /Page` objects. */
  count: number;
  pageObjects: number;
  /** Image XObjects that are not soft masks: [width, height]. */
  images: [number, number][];
  outline: OutlineEntry[];
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A PDF string, literal `(…)` or hex `<…>`, as text (UTF-16BE with a BOM, else Latin-1). */
function pdfString(s: string): string {
  let bytes: number[];
  if (s.startsWith("<")) {
    const hex = s.slice(1, -1).replace(/\s+/g, "");
    bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  } else {
    const body = s.slice(1, -1).replace(
      /\\([nrtbf()\\]|[0-7]{1,3})/g,
      (_, e: string) =>
        /^[0-7]/.test(e)
          ? String.fromCharCode(parseInt(e, 8))
          : ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[e] ?? e,
    );
    bytes = [...body].map((c) => c.charCodeAt(0));
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let out = "";
    for (let i = 2; i + 1 < bytes.length; i += 2) {
      out += String.fromCharCode(bytes[i] << 8 | bytes[i + 1]);
    }
    return out;
  }
  return String.fromCharCode(...bytes);
}

/** The glyph-to-text map of a ToUnicode CMap. */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) =>
    String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      map.set(parseInt(m[1], 16), utf16(m[2]));
    }
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const [lo, hi, dst] = [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
      for (let g = lo; g <= hi; g++) map.set(g, String.fromCharCode(dst + g - lo));
    }
  }
  return map;
}

async function readPdf(bytes: Uint8Array, file: string): Promise<Pdf> {
  const text = new TextDecoder("latin1").decode(bytes);
  assert.ok(text.startsWith("%PDF-"), `${file}: no %PDF- header`);
  assert.ok(/%%EOF\s*$/.test(text), `${file}: does not end with %%EOF`);
  assert.ok(
    !/\/Type\s*\/ObjStm/.test(text),
    `${file}: has compressed object streams, which this test's reader cannot count pages in`,
  );
  // Objects: dictionary text, and where the stream data starts (Latin-1: a character is a byte).
  const objects = new Map<string, { dict: string; data: number }>();
  for (const m of text.matchAll(/(\d+)\s+0\s+obj\s*(<<[\s\S]*?>>)\s*(stream\r?\n|endobj)/g)) {
    objects.set(m[1], {
      dict: m[2],
      data: m[3].startsWith("stream") ? m.index! + m[0].length : -1,
    });
  }
  const dict = (id: string | undefined) => (id && objects.get(id)?.dict) || "";
  const ref = (d: string, key: string) => d.match(new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`))?.[1];
  const stream = async (id: string): Promise<string> => {
    const o = objects.get(id);
    assert.ok(o && o.data >= 0, `${file}: object ${id} is not a stream`);
    const length = Number(o.dict.match(/\/Length\s+(\d+)(?!\s+0\s+R)/)?.[1]);
    assert.ok(Number.isFinite(length), `${file}: stream ${id} has no direct /Length`);
    const raw = bytes.subarray(o.data, o.data + length);
    return new TextDecoder("latin1").decode(
      /\/FlateDecode/.test(o.dict) ? await inflate(raw) : raw,
    );
  };

  const catalog = [...objects.values()].find((o) => /\/Type\s*\/Catalog/.test(o.dict))?.dict ?? "";
  const rootPages = ref(catalog, "Pages");
  const order: string[] = [];
  const walk = (id: string | undefined, depth: number) => {
    const d = dict(id);
    if (!id || !d || depth > 32) return;
    if (/\/Type\s*\/Pages\b/.test(d)) {
      for (const k of (d.match(/\/Kids\s*\[([^\]]*)\]/)?.[1] ?? "").matchAll(/(\d+)\s+0\s+R/g)) {
        walk(k[1], depth + 1);
      }
    } else order.push(id);
  };
  walk(rootPages, 0);
  const pageIndex = new Map(order.map((id, i) => [id, i + 1]));

  const fonts = new Map<string, Map<number, string>>();
  const pages: PdfPage[] = [];
  for (const id of order) {
    const d = dict(id);
    const mediaBox = (d.match(/\/MediaBox\s*\[([^\]]*)\]/)?.[1] ?? "").trim().split(/\s+/)
      .map(Number);
    const fontRefs = new Map<string, string>();
    const fontDict = d.match(/\/Font\s*<<([^>]*)>>/)?.[1] ?? "";
    for (const m of fontDict.matchAll(/\/([^\s/]+)\s+(\d+)\s+0\s+R/g)) fontRefs.set(m[1], m[2]);
    const contentIds = d.match(/\/Contents\s*\[([^\]]*)\]/)?.[1]?.match(/\d+(?=\s+0\s+R)/g) ??
      [ref(d, "Contents") ?? ""];
    let content = "";
    for (const c of contentIds) content += await stream(c);
    let font = new Map<number, string>();
    let out = "";
    for (
      const m of content.matchAll(
        /\/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>\s*Tj|\[([^\]]*)\]\s*TJ|\bET\b/g,
      )
    ) {
      if (m[1] !== undefined) {
        const fid = fontRefs.get(m[1]);
        if (fid && !fonts.has(fid)) {
          const cmap = ref(dict(fid), "ToUnicode");
          fonts.set(fid, cmap ? toUnicode(await stream(cmap)) : new Map());
        }
        font = (fid && fonts.get(fid)) || new Map();
      } else if (m[2] !== undefined || m[3] !== undefined) {
        const hex = m[2] ?? [...m[3].matchAll(/<([0-9A-Fa-f\s]*)>/g)].map((h) => h[1]).join("");
        for (const g of hex.replace(/\s+/g, "").match(/.{4}/g) ?? []) {
          out += font.get(parseInt(g, 16)) ?? "";
        }
      } else out += " "; // ET: the end of a run of text; runs are lines or pieces of one.
    }
    pages.push({ id, mediaBox, text: out });
  }

  const masks = new Set([...text.matchAll(/\/SMask\s+(\d+)\s+0\s+R/g)].map((m) => m[1]));
  const images: [number, number][] = [...objects]
    .filter(([id, o]) => /\/Subtype\s*\/Image\b/.test(o.dict) && !masks.has(id))
    .map(([, o]) => [
      Number(o.dict.match(/\/Width\s+(\d+)/)?.[1]),
      Number(o.dict.match(/\/Height\s+(\d+)/)?.[1]),
    ]);

  const outline: OutlineEntry[] = [];
  const visit = (id: string | undefined, depth: number) => {
    for (let guard = 0; id && guard < 10_000; guard++) {
      const d = dict(id);
      const title = d.match(/\/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)/)?.[1];
      const page = d.match(/\/Dest\s*\[\s*(\d+)\s+0\s+R/)?.[1];
      if (title !== undefined) {
        outline.push({ title: pdfString(title), page: pageIndex.get(page ?? "") ?? 0, depth });
      }
      visit(ref(d, "First"), depth + 1);
      id = ref(d, "Next");
    }
  };
  visit(ref(dict(ref(catalog, "Outlines")), "First"), 0);

  return {
    pages,
    count: Number(dict(rootPages).match(/\/Count\s+(\d+)/)?.[1]),
    pageObjects: text.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0,
    images,
    outline,
  };
}

// ---------------------------------------------------------------------------------------------
// Checks.

/**
 * Where the notebook's title and each section heading are printed, by the PDF outline, whose
 * entries are in document order: matched in order from entry `from`. Returns the pages and the
 * entry after the last one matched.
 */
function sectionPages(
  pdf: Pdf,
  nb: Expected,
  from: number,
  file: string,
): { pages: number[]; next: number } {
  const wanted = [nb.title, ...nb.sections];
  const pages: number[] = [];
  let i = from;
  for (const w of wanted) {
    while (i < pdf.outline.length && squash(pdf.outline[i].title) !== squash(w)) i++;
    assert.ok(
      i < pdf.outline.length,
      `${file}: the PDF outline has no heading "${w}" (after entry ${from}); headings: ${
        JSON.stringify(pdf.outline.map((o) => o.title))
      }`,
    );
    pages.push(pdf.outline[i].page);
    i++;
  }
  return { pages, next: i };
}

/** The table of contents lists `entries` in order, each followed by its page number. */
function assertContents(toc: string, entries: [string, number][], file: string): void {
  let at = 0;
  for (const [text, page] of entries) {
    const want = ` ${norm(text)} ${page} `;
    const found = ` ${toc} `.indexOf(want, at);
    assert.ok(
      found >= 0,
      `${file}: the contents do not list "${text}" with page ${page} (in order); contents text: ` +
        toc.slice(0, 3000),
    );
    at = found + want.length - 1;
  }
}

function assertImages(pdf: Pdf, ratios: number[], file: string): void {
  assert.equal(
    pdf.images.length,
    ratios.length,
    `${file}: ${pdf.images.length} images, expected one per chart (${ratios.length})`,
  );
  const got = pdf.images.map(([w, h]) => w / h).sort((a, b) => a - b);
  const want = [...ratios].sort((a, b) => a - b);
  got.forEach((r, i) =>
    assert.ok(
      Math.abs(r - want[i]) / want[i] < 0.02,
      `${file}: image aspect ratios ${got.map((x) => x.toFixed(3))} are not the charts' ` +
        `${want.map((x) => x.toFixed(3))}`,
    )
  );
}

function assertPages(pdf: Pdf, bound: number, file: string): void {
  const n = pdf.pages.length;
  assert.equal(pdf.count, n, `${file}: /Count ${pdf.count} but the page tree has ${n} pages`);
  assert.equal(pdf.pageObjects, n, `${file}: ${pdf.pageObjects} /Type /Page objects, ${n} pages`);
  assert.ok(n >= bound, `${file}: ${n} pages, expected at least ${bound} for its content`);
  pdf.pages.forEach((p, i) => {
    const [x0, y0, x1, y1] = p.mediaBox;
    // A4 is 595.3 × 841.9 pt; Chromium rounds to whole CSS pixels (595.92 × 842.88).
    assert.ok(
      Math.abs(x1 - x0 - 595.3) < 2 && Math.abs(y1 - y0 - 841.9) < 2,
      `${file} page ${i + 1}: media box ${p.mediaBox}, expected A4`,
    );
    assert.ok(
      ` ${norm(p.text)} `.includes(` page ${i + 1} of ${n} `),
      `${file} page ${i + 1}: no "page ${i + 1} of ${n}" in its text: ${p.text.slice(-200)}`,
    );
  });
}

/** The print HTML loads nothing: no script, stylesheet link, font file or non-data: image. */
function assertLoadsNothing(html: string, file: string): void {
  for (
    const [what, pattern] of [
      ["a script", /<script\b/i],
      ["a stylesheet link", /<link\b/i],
      ["an @import", /@import\b/i],
      ["a web font", /@font-face\b/i],
      ["a CSS url()", /url\(\s*['"]?(?!data:)/i],
      ["an embedded frame", /<(iframe|object|embed)\b/i],
    ] as [string, RegExp][]
  ) {
    assert.ok(!pattern.test(html), `${file} has ${what}`);
  }
  const sources = [...html.matchAll(/\ssrc(?:set)?\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]);
  const remote = sources.filter((s) => !s.startsWith("data:"));
  assert.deepEqual(remote, [], `${file} loads something that is not a data: URI`);
}

async function runTool(args: string[]): Promise<{ code: number; out: string; ms: number }> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TOOL, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return { code, out, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Tests.

Deno.test("handouts: the contents come from Markdown headings, not code or outputs", () => {
  const body = [
    `<div class="cell border-box-sizing text_cell rendered"><h1 id="T">T &#183; one<a class="anchor-link" href="#T">&#182;</a></h1>`,
    `<pre><code>## not a section</code></pre><h2 id="1.-A">1. A <code>x</code></h2></div>`,
    `<div class="cell border-box-sizing code_cell rendered"><div class="output_markdown"><h2 id="Out">Out</h2></div></div>`,
    `<div class="cell border-box-sizing text_cell rendered"><h2 id="Summary">Summary</h2></div>`,
  ].join("\n");
  const parts = outline(body, "test.html");
  assert.equal(parts.title, "T · one");
  assert.deepEqual(parts.sections.map((s) => s.text), ["1. A x", "Summary"]);
  assert.ok(!parts.body.includes("<h1"), "the title heading stays in the body");
  assert.ok(!parts.body.includes("&#182;"), "the anchor pilcrow stays in the body");
  assert.equal(htmlText("a&amp;b &lt;c&gt; &#x41;"), "a&b <c> A");
});

Deno.test("handouts: links a printed page cannot follow become text, web and in-handout links stay", () => {
  const body = `<h2 id="2.-B">B</h2><a href="#2.-B">here</a> <a href="GLOSSARY.md#x">term</a>
<a href="07_c.ipynb#1.-A">seven</a> <a href="https://example.org/">web</a>`;
  const alone = rewriteLinks(body, "01_a", new Set(["01_a"]));
  assert.ok(alone.includes(`<h2 id="01-2-B">`), alone);
  assert.ok(alone.includes(`<a href="#01-2-B">here</a>`), alone);
  assert.ok(alone.includes(`<span class="xref">term</span>`), alone);
  assert.ok(alone.includes(`<span class="xref">seven</span>`), alone);
  assert.ok(alone.includes(`<a href="https://example.org/">web</a>`), alone);
  const series = rewriteLinks(body, "01_a", new Set(["01_a", "07_c"]));
  assert.ok(series.includes(`<a href="#07-1-A">seven</a>`), series);
});

Deno.test({
  name: "handouts: every PDF has its pages, one image per chart, page numbers and a contents",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    checkChromium();
    assert.ok(NOTEBOOKS.length > 0, "no notebooks in notebooks/");
    const missing = NOTEBOOKS.filter((n) => {
      try {
        return !Deno.statSync(`${BUILD}/${n}.ipynb`).isFile;
      } catch {
        return true;
      }
    });
    assert.deepEqual(missing, [], "executed notebooks missing in build/: run ./losslab notebooks");
    const expected = NOTEBOOKS.map(expectedOf);
    const out = await Deno.makeTempDir({ prefix: "losslab-handouts-" });
    try {
      const run = await runTool(["--out", out]);
      console.log(`  tools/handouts.ts: ${(run.ms / 1000).toFixed(1)} s`);
      assert.equal(run.code, 0, `tools/handouts.ts failed:\n${run.out}`);

      for (const nb of expected) {
        await t.step(nb.name, async () => {
          const file = `${nb.name}.pdf`;
          const pdf = await readPdf(await Deno.readFile(`${out}/${file}`), file);
          assertPages(pdf, nb.bound, file);
          assertImages(pdf, nb.chartRatios, file);
          const [, ...pages] = sectionPages(pdf, nb, 0, file).pages;
          // The contents sit on page 1, above the notebook's first cell.
          assertContents(norm(pdf.pages[0].text), nb.sections.map((s, i) => [s, pages[i]]), file);
          assertLoadsNothing(await Deno.readTextFile(`${out}/html/${nb.name}.html`), file);
          console.log(
            `  ${file}: ${pdf.pages.length} pages (at least ${nb.bound}), ${pdf.images.length} ` +
              `images for ${nb.chartRatios.length} charts, ${nb.sections.length} sections listed`,
          );
        });
      }

      await t.step(SERIES, async () => {
        const file = `${SERIES}.pdf`;
        const pdf = await readPdf(await Deno.readFile(`${out}/${file}`), file);
        // A title page, then each notebook from a new page: no two notebooks share one.
        assertPages(pdf, 1 + expected.reduce((n, nb) => n + nb.bound, 0), file);
        assertImages(pdf, expected.flatMap((nb) => nb.chartRatios), file);
        const entries: [string, number][] = [];
        let from = 0;
        let lastPage = 1;
        for (const nb of expected) {
          const found = sectionPages(pdf, nb, from, file);
          const pages = found.pages;
          from = found.next;
          assert.ok(
            pages[0] > lastPage,
            `${file}: ${nb.name} starts on page ${pages[0]}, not after page ${lastPage}`,
          );
          lastPage = pages.at(-1)!;
          entries.push(
            [nb.title, pages[0]],
            ...nb.sections.map((s, i): [string, number] => [s, pages[i + 1]]),
          );
        }
        const firstNotebook = entries[0][1];
        const toc = pdf.pages.slice(0, firstNotebook - 1).map((p) => norm(p.text)).join(" ");
        assertContents(toc, entries, file);
        assertLoadsNothing(await Deno.readTextFile(`${out}/html/${SERIES}.html`), file);
        console.log(
          `  ${file}: ${pdf.pages.length} pages, ${pdf.images.length} images, contents on pages ` +
            `1-${firstNotebook - 1} listing ${expected.length} notebooks and ${
              entries.length - expected.length
            } sections`,
        );
      });
    } finally {
      await Deno.remove(out, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "handouts: the tool fails on a missing executed notebook and on any network request",
  ignore: !INTEGRATION,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    checkChromium();
    const name = NOTEBOOKS[0];
    const build = await Deno.makeTempDir({ prefix: "losslab-handouts-build-" });
    try {
      const missing = await runTool(["--build", build, "--out", `${build}/out`, name]);
      assert.notEqual(missing.code, 0, "the tool succeeded without an executed notebook");
      assert.ok(
        missing.out.includes(`${build}/${name}.ipynb`) &&
          missing.out.includes("./losslab notebooks"),
        `the error does not name the missing file and ./losslab notebooks:\n${missing.out}`,
      );

      // A page that asks the network for an image (192.0.2.0/24 is reserved for documentation).
      const url = "http://192.0.2.1/logo.png";
      await Deno.writeTextFile(
        `${build}/${name}.ipynb`,
        JSON.stringify({ cells: [{ cell_type: "markdown", source: "# T", metadata: {} }] }),
      );
      await Deno.writeTextFile(
        `${build}/${name}.html`,
        `<html><body><div id="notebook"><div class="container" id="notebook-container">
<div class="cell border-box-sizing text_cell rendered"><h1 id="T">T</h1><img src="${url}"></div>
</div></div></body></html>`,
      );
      const network = await runTool(["--build", build, "--out", `${build}/out`, name]);
      assert.notEqual(network.code, 0, `the tool printed a page that asked for ${url}`);
      assert.ok(network.out.includes(url), `the error does not name ${url}:\n${network.out}`);
    } finally {
      await Deno.remove(build, { recursive: true }).catch(() => {});
    }
  },
});
