/**
 * The print-friendly HTML behind the handouts (tools/handouts.ts): one executed notebook's
 * nbconvert page (build/NAME.html, written by tools/run_notebooks.py) taken apart and put back
 * together for paper. Pure string work, no browser: the body of each page is kept as nbconvert
 * rendered it (its Markdown, tables and highlighted code), every chart's SVG is swapped for a PNG
 * drawn by the kit's own rasteriser (so the PDF holds one image per chart), ids and links are made
 * unique and print-safe, and a title block and a table of contents are built from the `##`
 * headings of the Markdown cells. Nothing in the result loads anything: no script, no stylesheet,
 * no font file, no image but `data:` ones.
 *
 * @module
 */
import { rasterizeSVG } from "../lib/charts/mod.ts";

/** The Vega-Lite MIME type the kit's charts carry (lib/charts/chart.ts). */
const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
const SVG_MIME = "image/svg+xml";

/** One `##` section of a notebook, as listed in a table of contents. */
export interface Section {
  /** The heading's text, tags and entities removed. */
  text: string;
  /** The heading's id in the handout (prefixed by {@linkcode rewriteLinks}: unique in a series). */
  id: string;
}

/** One executed notebook, ready to be printed. */
export interface HandoutNotebook {
  /** File name without `.ipynb`, e.g. `01_general_purpose`. */
  name: string;
  /** The notebook's `#` title (its first heading), as text. */
  title: string;
  /** The id of the notebook's title in the handout. */
  id: string;
  /** The `##` sections of its Markdown cells, in order. */
  sections: Section[];
  /** The notebook's cells as HTML, charts as PNG, ids prefixed, title heading removed. */
  body: string;
  /** Charts embedded as images. */
  charts: number;
  /** When the notebook was executed (the executed .ipynb's modification time). */
  executed: Date | null;
}

/** Where the notebook's pieces come from. */
export interface NotebookFiles {
  /** File name without `.ipynb`. */
  name: string;
  /** The executed notebook (build/NAME.ipynb). */
  ipynb: string;
  /** nbconvert's rendering of it (build/NAME.html). */
  html: string;
}

/**
 * The charts of an executed notebook: outputs whose data holds an SVG or a Vega-Lite spec (what
 * tools/run_notebooks.py counts), read from the .ipynb JSON text.
 */
export function countCharts(ipynbText: string, file = "notebook"): number {
  let nb: { cells?: { outputs?: { data?: Record<string, unknown> }[] }[] };
  try {
    nb = JSON.parse(ipynbText);
  } catch (error) {
    throw new Error(`handouts: ${file} is not a notebook (JSON: ${(error as Error).message})`);
  }
  if (!Array.isArray(nb.cells)) throw new Error(`handouts: ${file} has no "cells" array`);
  return nb.cells.flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data && (SVG_MIME in o.data || VEGA_LITE_MIME in o.data)).length;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** Text of an HTML fragment: tags dropped, entities decoded, spaces collapsed. */
export function htmlText(fragment: string): string {
  return fragment.replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1));
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[e.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ").trim();
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The handout id of a notebook's own element id (nbconvert's ids are heading texts). */
function anchor(notebook: string, rawId: string): string {
  return `${notebook.slice(0, 2)}-${rawId.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

/** The pygments stylesheet of an nbconvert page (its only `<style>` with `.highlight` rules). */
export function highlightCss(html: string): string {
  for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) {
    if (m[1].includes(".highlight .k")) return m[1];
  }
  return "";
}

/** The cells of an nbconvert classic page: what is inside `#notebook-container`. */
export function notebookBody(html: string, file: string): string {
  const open = html.match(/<div[^>]*id="notebook-container"[^>]*>/);
  const end = html.lastIndexOf("</body>");
  if (!open || open.index === undefined || end < 0) {
    throw new Error(
      `handouts: ${file} is not an nbconvert classic page (no #notebook-container); ` +
        "rebuild it with `./losslab notebooks`",
    );
  }
  // The container and #notebook close right before </body>.
  return html.slice(open.index + open[0].length, end).replace(/\s*<\/div>\s*<\/div>\s*$/, "");
}

/**
 * Swaps every chart (nbconvert's `<img src="data:image/svg+xml;base64,…">`, see
 * tools/run_notebooks.py) for a PNG drawn with {@linkcode rasterizeSVG} at `scale` times its
 * pixel size, shown at the SVG's own size (or narrower, to fit the page). Chromium prints an SVG
 * `<img>` as vector paths with no image object in the PDF; a PNG becomes exactly one image.
 */
export async function chartsToPng(
  body: string,
  scale: number,
): Promise<{ body: string; charts: number }> {
  const pattern = /<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"[^>]*>/g;
  const found = [...body.matchAll(pattern)];
  const pngs = await Promise.all(found.map(async (m, i) => {
    const svg = new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)));
    const png = await rasterizeSVG(svg, { scale });
    const root = svg.match(/<svg\b[^>]*>/)?.[0] ?? "";
    const width = Number(root.match(/\swidth="([\d.]+)/)?.[1]);
    const size = Number.isFinite(width) && width > 0 ? ` style="width: ${width}px"` : "";
    return `<img class="chart" src="data:image/png;base64,${toBase64(png)}"${size} ` +
      `alt="chart ${i + 1}">`;
  }));
  let i = 0;
  return { body: body.replace(pattern, () => pngs[i++]), charts: found.length };
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/**
 * Rewrites ids and links of one notebook's body for a handout that may hold several notebooks:
 * every id gets the notebook's prefix; `#x` and `NN_other.ipynb#x` links point to those ids when
 * the target notebook is in the same handout (`inHandout`); links to files that are not in it
 * (another notebook's .ipynb, GLOSSARY.md) become plain text, since a printed page cannot follow
 * them and a PDF link to a local path only works on the machine that printed it. Web links stay.
 */
export function rewriteLinks(body: string, name: string, inHandout: Set<string>): string {
  const withIds = body.replace(/\sid="([^"]*)"/g, (_, id: string) => ` id="${anchor(name, id)}"`);
  return withIds.replace(
    /<a\s([^>]*?)href="([^"]*)"([^>]*)>([\s\S]*?)<\/a>/g,
    (whole, before: string, href: string, after: string, inner: string) => {
      if (/^(https?|mailto):/i.test(href)) return whole;
      const m = href.match(/^([^#]*?)(?:\.ipynb)?(?:#(.*))?$/);
      const file = m?.[1] ?? "";
      const target = file === "" ? name : file;
      if (inHandout.has(target) && (file === "" || /\.ipynb(#|$)/.test(href))) {
        const to = m?.[2] ? anchor(target, m[2]) : `nb-${target}`;
        return `<a ${before}href="#${to}"${after}>${inner}</a>`;
      }
      return `<span class="xref">${inner}</span>`;
    },
  );
}

/**
 * The notebook's title and `##` sections, from the headings of its Markdown cells only (a chart
 * caption or printed Markdown in an output is not a section); removes the anchor links nbconvert
 * puts in headings (a pilcrow on paper) and the title heading, which the handout shows in its own
 * title block.
 */
export function outline(
  body: string,
  file: string,
): { title: string; sections: Section[]; body: string } {
  let title = "";
  const sections: Section[] = [];
  // nbconvert writes one `<div class="cell border-box-sizing …">` per cell, text cells marked.
  const cells = body.split(/(?=<div class="cell border-box-sizing )/);
  const out = cells.map((cell) => {
    cell = cell.replace(/<a class="anchor-link"[^>]*>[\s\S]*?<\/a>/g, "");
    if (!/^<div class="cell border-box-sizing text_cell/.test(cell)) return cell;
    return cell.replace(
      /<h([12]) id="([^"]*)">([\s\S]*?)<\/h\1>/g,
      (whole, level: string, id: string, inner: string) => {
        if (level === "1") {
          if (title) return whole;
          title = htmlText(inner);
          return "";
        }
        sections.push({ text: htmlText(inner), id });
        return whole;
      },
    );
  });
  if (!title) throw new Error(`handouts: ${file} has no "#" title in its first Markdown cells`);
  return { title, sections, body: out.join("") };
}

/** An executed notebook read once, its charts already PNG, for any number of handouts. */
export interface PreparedNotebook {
  /** File name without `.ipynb`. */
  name: string;
  /** nbconvert's cells, charts as PNG, ids and links as nbconvert wrote them. */
  body: string;
  /** Charts drawn as PNG (as many as the executed notebook holds). */
  charts: number;
  /** nbconvert's code-highlighting stylesheet. */
  css: string;
  /** When the notebook was executed (the executed .ipynb's modification time). */
  executed: Date | null;
}

/**
 * Reads one executed notebook and its nbconvert page and draws its charts as PNG (`scale` times
 * their pixel size). Fails when the page shows another number of charts than the notebook holds:
 * a page from an older run.
 */
export async function prepareNotebook(
  files: NotebookFiles,
  scale: number,
): Promise<PreparedNotebook> {
  const [ipynb, html, stat] = await Promise.all([
    Deno.readTextFile(files.ipynb),
    Deno.readTextFile(files.html),
    Deno.stat(files.ipynb),
  ]);
  const expected = countCharts(ipynb, files.ipynb);
  const { body, charts } = await chartsToPng(notebookBody(html, files.html), scale);
  if (charts !== expected) {
    throw new Error(
      `handouts: ${files.html} shows ${charts} charts but ${files.ipynb} has ${expected}: the ` +
        "HTML is stale or not tools/run_notebooks.py's; rebuild both with `./losslab notebooks`",
    );
  }
  return { name: files.name, body, charts, css: highlightCss(html), executed: stat.mtime };
}

/** One prepared notebook as it appears in a handout holding the notebooks `inHandout`. */
export function forHandout(nb: PreparedNotebook, inHandout: Set<string>): HandoutNotebook {
  const parts = outline(rewriteLinks(nb.body, nb.name, inHandout), `${nb.name}.html`);
  return {
    name: nb.name,
    title: parts.title,
    id: `nb-${nb.name}`,
    sections: parts.sections,
    body: parts.body,
    charts: nb.charts,
    executed: nb.executed,
  };
}

/** Page set-up and type for paper; DejaVu is the system font tools/setup.sh installs. */
const PRINT_CSS = `
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #111; }
body { margin: 0; }
h1, h2, h3, h4 { line-height: 1.2; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 17pt; margin: 0 0 6pt; }
h2 { font-size: 13pt; margin: 14pt 0 4pt; border-bottom: 0.5pt solid #999; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; }
a { color: #1a4f8b; text-decoration: none; }
p, li { orphans: 2; widows: 2; }
code, pre { font-family: "DejaVu Sans Mono", monospace; }
code { font-size: 8.5pt; }
pre { font-size: 8pt; line-height: 1.3; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere;
  overflow: visible; }
table { border-collapse: collapse; margin: 4pt 0; font-size: 8.5pt; }
th, td { border: 0.5pt solid #aaa; padding: 1.5pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; }
blockquote { margin: 4pt 0 4pt 8pt; padding-left: 6pt; border-left: 2pt solid #bbb; color: #333; }
/* nbconvert's classic layout, simplified: no prompts, code boxed, outputs ruled on the left. */
.prompt { display: none; }
.cell { margin: 0 0 5pt; }
.input_area { background: #f5f5f5; border: 0.5pt solid #ccc; border-radius: 2pt; padding: 3pt 5pt; }
.highlight { background: transparent; }
.output_wrapper { margin: 2pt 0 0; }
.output_area { border-left: 2pt solid #d0d7e2; padding: 1pt 0 1pt 6pt; margin: 2pt 0; }
.output_svg, img.chart { break-inside: avoid; page-break-inside: avoid; }
img.chart { display: block; max-width: 100%; height: auto; margin: 2pt 0; }
.xref { color: inherit; }
/* The handout's own parts. */
.kicker { font-size: 8pt; color: #555; letter-spacing: 0.02em; margin: 0 0 4pt; }
.notebook-head { margin: 0 0 8pt; }
.series .notebook-head { break-before: page; page-break-before: always; }
nav.toc { border: 0.5pt solid #bbb; border-radius: 2pt; padding: 4pt 10pt 6pt; margin: 6pt 0 10pt; }
.single nav.toc { break-inside: avoid; page-break-inside: avoid; }
/* The series' contents run over pages: a box would open on one and close on another. */
.series nav.toc { border: none; padding: 0; }
nav.toc h2 { font-size: 11pt; border: none; margin: 4pt 0; }
/* The headings carry their own numbers; the list adds none. */
nav.toc ol { list-style: none; margin: 0; padding-left: 0; }
nav.toc ol ol { padding-left: 14pt; }
nav.toc li { margin: 1pt 0; }
nav.toc a { display: flex; align-items: baseline; color: #1a4f8b; }
nav.toc .entry { flex: 1; }
nav.toc .page { min-width: 3em; text-align: right; color: #333; }
nav.toc li.notebook { margin-top: 6pt; break-inside: avoid; page-break-inside: avoid; }
nav.toc li.notebook > a { font-weight: bold; }
.text_cell_render pre { background: #fafafa; border-left: 2pt solid #ddd; padding: 2pt 5pt; }
.title-page { break-after: page; page-break-after: always; }
.title-page h1 { font-size: 24pt; margin: 40pt 0 8pt; }
.title-page .sub { font-size: 11pt; color: #333; margin: 0 0 18pt; }
`;

function dateOf(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : "unknown date";
}

/** Page numbers of the handout's ids, where known (see {@linkcode handoutHtml}). */
export type PageNumbers = ReadonlyMap<string, number>;

/** One line of a table of contents: the linked title and its page number (blank when unknown). */
function tocEntry(id: string, text: string, pages: PageNumbers): string {
  return `<a href="#${id}"><span class="entry">${escapeHtml(text)}</span>` +
    `<span class="page">${pages.get(id) ?? ""}</span></a>`;
}

function sectionList(nb: HandoutNotebook, pages: PageNumbers): string {
  const items = nb.sections.map((s) => `<li>${tocEntry(s.id, s.text, pages)}</li>`);
  return `<ol>${items.join("")}</ol>`;
}

function notebookHtml(
  nb: HandoutNotebook,
  position: string,
  toc: boolean,
  pages: PageNumbers,
): string {
  const contents = toc ? `<nav class="toc"><h2>Contents</h2>${sectionList(nb, pages)}</nav>` : "";
  return `<section class="notebook">
<header class="notebook-head" id="${nb.id}">
<p class="kicker">losslab workshop handout · ${position} · ${escapeHtml(nb.name)}.ipynb · ` +
    `executed ${dateOf(nb.executed)} · ${nb.charts} chart${nb.charts === 1 ? "" : "s"}</p>
<h1>${escapeHtml(nb.title)}</h1>
${contents}
</header>
${nb.body}
</section>`;
}

/**
 * The whole print document. One notebook: a title block with its table of contents, then the
 * cells. Several (`series`): a title page whose table of contents lists every notebook and its
 * sections, then each notebook on a new page. `css` is nbconvert's code-highlighting stylesheet.
 * `pages` gives the page of each id listed in the contents (from a first printing, see
 * {@linkcode pdfFacts}); the page-number column keeps its width when empty, so filling it in does
 * not move anything to another page.
 */
export function handoutHtml(
  options: {
    title: string;
    notebooks: HandoutNotebook[];
    series: boolean;
    css: string;
    pages?: PageNumbers;
  },
): string {
  const { title, notebooks, series, css } = options;
  const pages = options.pages ?? new Map();
  const count = notebooks.length;
  let main: string;
  if (series) {
    const toc = notebooks.map((nb) =>
      `<li class="notebook">${tocEntry(nb.id, nb.title, pages)}${sectionList(nb, pages)}</li>`
    ).join("\n");
    const dates = notebooks.map((nb) => nb.executed?.getTime() ?? 0).filter((t) => t > 0);
    const executed = dates.length ? new Date(Math.max(...dates)) : null;
    main = `<div class="title-page">
<p class="kicker">losslab workshop handouts · ${count} notebooks · executed ${dateOf(executed)}</p>
<h1>${escapeHtml(title)}</h1>
<p class="sub">Every notebook of the series as executed by <code>./losslab notebooks</code>, with its
outputs and charts.</p>
<nav class="toc"><h2>Contents</h2><ol>
${toc}
</ol></nav>
</div>
${
      notebooks.map((nb, i) => notebookHtml(nb, `notebook ${i + 1} of ${count}`, false, pages))
        .join("\n")
    }`;
  } else {
    main = notebooks.map((nb) => notebookHtml(nb, "notebook", true, pages)).join("\n");
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
<style>${PRINT_CSS}</style>
</head>
<body class="${series ? "series" : "single"}">
${main}
</body>
</html>
`;
}

/** The facts {@linkcode pdfFacts} reads from a PDF Chromium printed. */
export interface PdfFacts {
  /** Number of pages. */
  pages: number;
  /** Image objects, not counting the soft masks of images with transparency. */
  images: number;
  /** Named destinations (the ids links point to) and the page (from 1) each is on. */
  destinations: Map<string, number>;
}

/**
 * Pages, images and named destinations of a PDF printed by Chromium (Skia): its objects are plain
 * text (no object streams; only stream contents are compressed), which this relies on and checks.
 */
export function pdfFacts(bytes: Uint8Array, file = "PDF"): PdfFacts {
  const text = new TextDecoder("latin1").decode(bytes);
  if (!text.startsWith("%PDF-") || /\/Type\s*\/ObjStm/.test(text)) {
    throw new Error(`handouts: ${file} is not a PDF with plain objects (as Chromium writes them)`);
  }
  const objects = new Map<string, string>();
  for (const m of text.matchAll(/(\d+)\s+0\s+obj\s*(<<[\s\S]*?>>)\s*(?:stream|endobj)/g)) {
    objects.set(m[1], m[2]);
  }
  const ref = (dict: string, key: string) =>
    dict.match(new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`))?.[1];
  const catalog = [...objects.values()].find((d) => /\/Type\s*\/Catalog/.test(d)) ?? "";
  // The page tree, in reading order: /Kids of /Pages nodes, depth first.
  const order: string[] = [];
  const walk = (id: string | undefined, depth: number) => {
    const node = id === undefined ? undefined : objects.get(id);
    if (node === undefined || id === undefined || depth > 32) return;
    if (/\/Type\s*\/Pages\b/.test(node)) {
      const kids = node.match(/\/Kids\s*\[([^\]]*)\]/)?.[1] ?? "";
      for (const k of kids.matchAll(/(\d+)\s+0\s+R/g)) walk(k[1], depth + 1);
    } else order.push(id);
  };
  walk(ref(catalog, "Pages"), 0);
  const pageOf = new Map(order.map((id, i) => [id, i + 1]));
  const destinations = new Map<string, number>();
  const dests = objects.get(ref(catalog, "Dests") ?? "") ?? "";
  for (const m of dests.matchAll(/\/([^\s/\[]+)\s*\[\s*(\d+)\s+0\s+R/g)) {
    const page = pageOf.get(m[2]);
    if (page !== undefined) destinations.set(decodeName(m[1]), page);
  }
  const masks = new Set([...text.matchAll(/\/SMask\s+(\d+)\s+0\s+R/g)].map((m) => m[1]));
  const images = [...objects].filter(([id, d]) =>
    /\/Subtype\s*\/Image\b/.test(d) && !masks.has(id)
  );
  return { pages: order.length, images: images.length, destinations };
}

/** A PDF name with its `#xx` escapes decoded. */
function decodeName(name: string): string {
  return name.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
