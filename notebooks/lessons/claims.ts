/**
 * The series' one list of claims: the seed's statements, numbered once, each with the notebook
 * sections that test it. Notebook 00 shows the list, notebook 06 the verdicts with the numbers its
 * cells measured; both render from here, so the numbering and wording cannot drift apart.
 *
 * @module
 */

/** A notebook section a claim is tested in: the notebook file and a numbered `##` heading. */
export interface SectionRef {
  /** Notebook file name, e.g. `"01_general_purpose.ipynb"`. */
  notebook: string;
  /** The heading's text without `## `, e.g. `"3. Same gradients"`. */
  heading: string;
}

/** One claim of the seed and where the series tests it. */
export interface Claim {
  /** 1-based number used everywhere (00, 06, README). */
  id: number;
  /** The claim, worded as the seed words it. */
  claim: string;
  /** The sections whose measurements can confirm or refute it. */
  testedIn: readonly SectionRef[];
}

const NB = {
  n00: "00_overview.ipynb",
  n01: "01_general_purpose.ipynb",
  n02: "02_sample_analysis.ipynb",
  n03: "03_weighted_losses.ipynb",
  n04: "04_structured_data.ipynb",
  n05: "05_considerations.ipynb",
  n06: "06_verdicts.ipynb",
  n07: "07_coupled_losses.ipynb",
} as const;

/** The seed's claims, in the seed's order. */
export const CLAIMS: readonly Claim[] = [
  {
    id: 1,
    claim: "a general-purpose loss should return a single value",
    testedIn: [
      { notebook: NB.n01, heading: "5. Same gradients" },
      { notebook: NB.n01, heading: "6. Same trained model" },
      { notebook: NB.n07, heading: "1. Four losses that are one number" },
    ],
  },
  {
    id: 2,
    claim: "a single value is simpler",
    testedIn: [{ notebook: NB.n01, heading: "2. One loss, written two ways" }],
  },
  {
    id: 3,
    claim: "a single value is more efficient",
    testedIn: [
      { notebook: NB.n05, heading: "2. The cost: a scalar versus an array in a training step" },
    ],
  },
  {
    id: 4,
    claim: "Keras will average the losses anyway",
    testedIn: [
      { notebook: NB.n01, heading: "4. What the framework does with an array" },
      { notebook: NB.n05, heading: "1. How the framework reduces and backpropagates" },
    ],
  },
  {
    id: 5,
    claim: "a single value masks sample-level variation",
    testedIn: [
      { notebook: NB.n00, heading: "3. Real data: a small regression on cars" },
      { notebook: NB.n02, heading: "1. Anscombe's quartet: one mean, four stories" },
    ],
  },
  {
    id: 6,
    claim: "an array adds computational overhead, especially with large batches",
    testedIn: [
      { notebook: NB.n05, heading: "2. The cost: a scalar versus an array in a training step" },
    ],
  },
  {
    id: 7,
    claim: "sample-specific analysis needs an array",
    testedIn: [{ notebook: NB.n02, heading: "3. Top losses" }],
  },
  {
    id: 8,
    claim: "weighted sample losses need an array",
    testedIn: [{ notebook: NB.n03, heading: "4. The trap: a scalar loss under classWeight" }],
  },
  {
    id: 9,
    claim: "structured data (sequences, graphs) needs an array",
    testedIn: [
      { notebook: NB.n04, heading: "3. Three normalisations of the same per-token losses" },
      { notebook: NB.n04, heading: "5. Graphs: node classification with a mask" },
    ],
  },
];

/**
 * The anchor a Jupyter front end gives a heading: its text without markdown code marks, spaces
 * turned into `-` (JupyterLab, classic Notebook and nbconvert's HTML agree on this).
 *
 * @example
 * ```ts
 * import { headingAnchor } from "./claims.ts";
 * if (headingAnchor("3. Same `fit`") !== "3.-Same-fit") throw new Error("anchor");
 * ```
 */
export function headingAnchor(heading: string): string {
  return heading.replace(/`/g, "").trim().replace(/ /g, "-");
}

/**
 * A markdown link to a section: `[01 §5](01_general_purpose.ipynb#5.-Same-gradients)`.
 *
 * @example
 * ```ts
 * import { sectionLink } from "./claims.ts";
 * const link = sectionLink({ notebook: "01_general_purpose.ipynb", heading: "2. One loss" });
 * if (link !== "[01 §2](01_general_purpose.ipynb#2.-One-loss)") throw new Error(link);
 * ```
 */
export function sectionLink(ref: SectionRef): string {
  const number = ref.heading.match(/^(\d+)\./)?.[1];
  if (number === undefined) {
    throw new RangeError(
      `sectionLink: ref.heading is ${JSON.stringify(ref.heading)}, expected a numbered heading`,
    );
  }
  return `[${ref.notebook.slice(0, 2)} §${number}](${ref.notebook}#${headingAnchor(ref.heading)})`;
}

/** A markdown table that displays as such in a notebook (and as plain text elsewhere). */
export interface MarkdownTable {
  /** The table as markdown. */
  readonly markdown: string;
  /** The markdown, for `text/plain`. */
  toString(): string;
}

function markdownTable(markdown: string): MarkdownTable {
  return {
    markdown,
    toString: () => markdown,
    [Symbol.for("Jupyter.display")]: () => ({ "text/markdown": markdown, "text/plain": markdown }),
  } as MarkdownTable;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * The claims as a markdown table (id, claim, where tested), for notebook 00.
 *
 * @example
 * ```ts
 * import { claimsTable, CLAIMS } from "./claims.ts";
 * const rows = claimsTable().markdown.split("\n").filter((l) => /^\| \d/.test(l));
 * if (rows.length !== CLAIMS.length) throw new Error("one row per claim");
 * ```
 */
export function claimsTable(): MarkdownTable {
  const lines = ["| # | claim (the seed's words) | tested in |", "| - | - | - |"];
  for (const c of CLAIMS) {
    lines.push(`| ${c.id} | ${cell(c.claim)} | ${c.testedIn.map(sectionLink).join(", ")} |`);
  }
  return markdownTable(lines.join("\n"));
}

/** A claim's verdict, as notebook 06 states it from its own measurements. */
export interface Verdict {
  /** Claim id (1-based, from {@linkcode CLAIMS}). */
  id: number;
  /** One or two words: "holds", "wrong", "misleading", "not shown", … */
  verdict: string;
  /** The measurement that decides it, with its numbers as the run printed them. */
  measurement: string;
  /** For a timing: the 95 % confidence interval of the ratio, as text; else omitted. */
  interval?: string;
  /** Sections of notebook 06 (or others) that made the measurement, besides the claim's own. */
  madeIn?: readonly SectionRef[];
}

/**
 * The verdict table of notebook 06: every claim of {@linkcode CLAIMS}, its verdict, the
 * measurement (and interval, for timings) and links to the sections that measured it. Throws if a
 * claim has no verdict or a verdict names no claim.
 *
 * @example
 * ```ts
 * import { CLAIMS, verdictTable } from "./claims.ts";
 * const verdicts = CLAIMS.map((c) => ({ id: c.id, verdict: "holds", measurement: "m" }));
 * if (!verdictTable(verdicts).markdown.includes("| 9 |")) throw new Error("claim 9 missing");
 * ```
 */
export function verdictTable(verdicts: readonly Verdict[]): MarkdownTable {
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  for (const v of verdicts) {
    if (!CLAIMS.some((c) => c.id === v.id)) {
      throw new RangeError(`verdictTable: verdicts has claim ${v.id}, expected 1–${CLAIMS.length}`);
    }
  }
  const lines = [
    "| # | claim (the seed's words) | verdict | measurement | 95 % interval | measured in |",
    "| - | - | - | - | - | - |",
  ];
  for (const c of CLAIMS) {
    const v = byId.get(c.id);
    if (v === undefined) {
      throw new RangeError(`verdictTable: verdicts has no entry for claim ${c.id}, expected one`);
    }
    const refs = [...c.testedIn, ...(v.madeIn ?? [])].map(sectionLink).join(", ");
    lines.push(
      `| ${c.id} | ${cell(c.claim)} | **${cell(v.verdict)}** | ${cell(v.measurement)} | ${
        cell(v.interval ?? "—")
      } | ${refs} |`,
    );
  }
  return markdownTable(lines.join("\n"));
}
