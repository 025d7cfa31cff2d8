/**
 * The notebooks as text, without running them: every link resolves, every claim points at a real
 * section, sections are numbered, titles ask their question, each notebook opens with what you
 * will learn and a parameters cell, ends with a summary and exercises (at least one of them
 * predict-then-run), and no measured number is typed into prose where a cell prints it.
 */
import { assert } from "./assert.ts";
import { CLAIMS, headingAnchor, sectionLink } from "../notebooks/lessons/claims.ts";

const DIR = new URL("../notebooks/", import.meta.url);

interface Cell {
  cell_type: string;
  source: string | string[];
}

function notebookFiles(): string[] {
  return [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => /^\d\d_.*\.ipynb$/.test(n))
    .sort();
}

function cells(file: string): { type: string; text: string }[] {
  const nb = JSON.parse(Deno.readTextFileSync(new URL(file, DIR))) as { cells: Cell[] };
  return nb.cells.map((c) => ({
    type: c.cell_type,
    text: Array.isArray(c.source) ? c.source.join("") : c.source,
  }));
}

/** Markdown text without fenced code blocks, inline code spans and link targets. */
function prose(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, " ").replace(/`[^`\n]*`/g, " ")
    .replace(/\]\([^)\s]*\)/g, "]").replace(/https?:\/\/\S+/g, " ");
}

function headings(markdownCells: string[]): { level: number; text: string }[] {
  const out: { level: number; text: string }[] = [];
  for (const md of markdownCells) {
    for (const line of md.replace(/```[\s\S]*?```/g, "").split("\n")) {
      const m = line.match(/^(#{1,6}) (.+?)\s*$/);
      if (m) out.push({ level: m[1].length, text: m[2] });
    }
  }
  return out;
}

function anchorsOf(file: string): Set<string> {
  const text = file.endsWith(".md")
    ? [Deno.readTextFileSync(new URL(file, DIR))]
    : cells(file).filter((c) => c.type === "markdown").map((c) => c.text);
  return new Set(headings(text).map((h) => headingAnchor(h.text)));
}

Deno.test("notebook text: every link to a notebook or the glossary resolves to a heading", () => {
  const broken: string[] = [];
  const sources = [
    ...notebookFiles().map((f) => ({
      file: f,
      text: cells(f).filter((c) => c.type === "markdown").map((c) => c.text).join("\n"),
    })),
    ...["GLOSSARY.md"].filter((f) => {
      try {
        Deno.statSync(new URL(f, DIR));
        return true;
      } catch {
        return false;
      }
    }).map((f) => ({ file: f, text: Deno.readTextFileSync(new URL(f, DIR)) })),
  ];
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/\]\(((?:\d\d_[\w-]+\.ipynb|GLOSSARY\.md)?)(?:#([^)\s]+))?\)/g)) {
      const target = m[1] === "" ? file : m[1];
      if (m[1] === "" && m[2] === undefined) continue;
      try {
        Deno.statSync(new URL(target, DIR));
      } catch {
        broken.push(`${file}: ${m[0]} (no file ${target})`);
        continue;
      }
      if (m[2] !== undefined && !anchorsOf(target).has(decodeURIComponent(m[2]))) {
        broken.push(`${file}: ${m[0]} (no heading with anchor ${m[2]} in ${target})`);
      }
    }
  }
  assert.deepEqual(broken, [], broken.join("\n"));
});

Deno.test("notebook text: every claim's sections exist", () => {
  const missing: string[] = [];
  for (const c of CLAIMS) {
    for (const ref of c.testedIn) {
      if (!anchorsOf(ref.notebook).has(headingAnchor(ref.heading))) {
        missing.push(`claim ${c.id}: ${sectionLink(ref)}`);
      }
    }
  }
  assert.deepEqual(missing, [], missing.join("\n"));
});

Deno.test("notebook text: each notebook's shape (title, opening, parameters, sections, ending)", () => {
  const problems: string[] = [];
  for (const file of notebookFiles()) {
    const cs = cells(file);
    const md = cs.filter((c) => c.type === "markdown").map((c) => c.text);
    const hs = headings(md);
    const title = hs[0];
    if (title?.level !== 1 || !title.text.trim().endsWith("?")) {
      problems.push(`${file}: the title should be a question (# …?), is ${title?.text}`);
    }
    if (!/what you will learn/i.test(md[0] ?? "")) {
      problems.push(`${file}: the first cell should say what you will learn`);
    }
    if (!cs.some((c) => c.type === "code" && /^\/\/ Parameters/m.test(c.text))) {
      problems.push(`${file}: no parameters cell (a code cell starting "// Parameters")`);
    }
    const h2 = hs.filter((h) => h.level === 2).map((h) => h.text);
    const numbered = h2.filter((h) => /^\d+\. /.test(h));
    numbered.forEach((h, i) => {
      if (!h.startsWith(`${i + 1}. `)) problems.push(`${file}: section "${h}" should be ${i + 1}`);
    });
    const rest = h2.filter((h) => !/^\d+\. /.test(h));
    if (numbered.length === 0) problems.push(`${file}: no numbered sections (## 1. …)`);
    if (rest.join("|") !== "Summary|Exercises") {
      problems.push(`${file}: unnumbered sections should be Summary, Exercises; are ${rest}`);
    }
    if (!cs.some((c) => c.type === "code" && c.text.includes("checkPrediction("))) {
      problems.push(`${file}: no predict-then-run exercise (checkPrediction)`);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

/**
 * Numbers in prose that are measured by a run: decimals, ratios (×), percentages and durations.
 * Each allowed occurrence is a fixed fact, not a measurement, and says why.
 */
const ALLOWED: { notebook: string; text: string; why: string }[] = [];

Deno.test("notebook text: no measured number is typed into prose", () => {
  const typed: string[] = [];
  const pattern =
    /(?<![\w.§-])(?:\d+(?:[.,]\d+)*\s?(?:×|%|ms\b|s\b|seconds?\b|minutes?\b)|\d+\.\d+(?![\d.]))/g;
  for (const file of notebookFiles()) {
    for (const c of cells(file).filter((c) => c.type === "markdown")) {
      for (const m of prose(c.text).matchAll(pattern)) {
        if (/^0\d\.\d+$/.test(m[0])) continue; // an exercise id such as 05.2
        const ok = ALLOWED.some((a) => a.notebook === file && a.text === m[0].trim());
        if (!ok) typed.push(`${file}: "${m[0].trim()}" in "${c.text.slice(0, 60)}…"`);
      }
    }
  }
  assert.deepEqual(typed, [], `typed numbers (print them from a cell):\n${typed.join("\n")}`);
});

Deno.test("README: the notebooks table's study times are the estimate's, and run times add up", async () => {
  const { studyTimeOf } = await import("../notebooks/lessons/study_time.ts");
  const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));
  const rows = [
    ...readme.matchAll(/^\| `(\d\d_\w+)`\s*\|[^|]*\|\s*(\d+) min\s*\|\s*([\d.]+) s\s*\|$/gm),
  ];
  assert.deepEqual(
    rows.map((r) => `${r[1]}.ipynb`),
    notebookFiles(),
    "README: one row per notebook: | `NN_name` | what it teaches | N min | T s |",
  );
  for (const r of rows) {
    const t = studyTimeOf(Deno.readTextFileSync(new URL(`${r[1]}.ipynb`, DIR)));
    assert.equal(Number(r[2]), t.readMinutes + t.exerciseMinutes, `README's study time of ${r[1]}`);
  }
  const sum = rows.reduce((s, r) => s + Number(r[3]), 0);
  const stated = readme.match(/the notebooks' own run times add up\s+to ([\d.]+) s/);
  assert.ok(stated, "README: the sentence stating the sum of the run times is missing");
  assert.equal(Number(stated[1]), Math.round(sum * 10) / 10, "README: the run times' sum");
});
