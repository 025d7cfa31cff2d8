/**
 * How long a notebook takes a learner, estimated from the notebook itself rather than typed: its
 * prose and code are counted and its exercises listed, at rates stated here.
 *
 * @module
 */

/**
 * The rates behind the estimate. Silent reading of non-fiction averages about 238 words a minute
 * (Brysbaert 2019, "How many words do we read per minute?", J. Memory and Language 109); technical
 * prose with formulas and tables to check is read at about half that. A code cell is read, run and
 * its output looked at. A prediction is committed and then compared; a coding exercise is written,
 * checked and corrected.
 */
export const STUDY_RATES = {
  /** Prose words read per minute. */
  wordsPerMinute: 120,
  /** Code lines read (and their output looked at) per minute. */
  codeLinesPerMinute: 6,
  /** Minutes for one predict-then-run exercise. */
  minutesPerPrediction: 5,
  /** Minutes for one coding exercise. */
  minutesPerExercise: 15,
} as const;

/** The estimate for one notebook, with the counts it rests on. */
export interface StudyTime {
  /** Words of prose (markdown cells, code blocks in them excluded). */
  words: number;
  /** Non-blank lines of code cells, exercise cells excluded. */
  codeLines: number;
  /** Predict-then-run exercises (cells calling `checkPrediction`). */
  predictions: number;
  /** Coding exercises (cells calling `checkExercise`). */
  exercises: number;
  /** Minutes to read the notebook and run its cells. */
  readMinutes: number;
  /** Minutes for the exercises. */
  exerciseMinutes: number;
  /** One line stating the estimate and how it was made. */
  summary: string;
}

interface NotebookJson {
  cells: { cell_type: string; source: string | string[] }[];
}

/**
 * Estimates the study time of a notebook from its JSON text (see {@linkcode STUDY_RATES}).
 *
 * @example
 * ```ts
 * import { studyTimeOf } from "./study_time.ts";
 * const nb = { cells: [
 *   { cell_type: "markdown", source: "word ".repeat(240) },
 *   { cell_type: "code", source: "const a = 1;\nconst b = 2;" },
 *   { cell_type: "code", source: "await display(await checkExercise('99.1', a));" },
 * ] };
 * const t = studyTimeOf(JSON.stringify(nb));
 * if (t.words !== 240 || t.codeLines !== 2 || t.exercises !== 1) throw new Error(t.summary);
 * ```
 */
export function studyTimeOf(notebookJson: string): StudyTime {
  const nb = JSON.parse(notebookJson) as NotebookJson;
  if (!Array.isArray(nb?.cells)) {
    throw new TypeError("studyTimeOf: notebookJson has no cells, expected a notebook's JSON");
  }
  let words = 0, codeLines = 0, predictions = 0, exercises = 0;
  for (const c of nb.cells) {
    const text = Array.isArray(c.source) ? c.source.join("") : c.source;
    if (c.cell_type === "markdown") {
      const prose = text.replace(/```[\s\S]*?```/g, " ");
      words += prose.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    } else if (c.cell_type === "code") {
      const p = (text.match(/checkPrediction\(/g) ?? []).length;
      const e = (text.match(/checkExercise\(/g) ?? []).length;
      predictions += p;
      exercises += e;
      if (p + e === 0) codeLines += text.split("\n").filter((l) => l.trim() !== "").length;
    }
  }
  const r = STUDY_RATES;
  const readMinutes = Math.ceil(words / r.wordsPerMinute + codeLines / r.codeLinesPerMinute);
  const exerciseMinutes = predictions * r.minutesPerPrediction + exercises * r.minutesPerExercise;
  const summary = `About ${readMinutes + exerciseMinutes} minutes: ${readMinutes} to read ` +
    `and run (${words} words at ${r.wordsPerMinute}/min, ${codeLines} lines of code at ` +
    `${r.codeLinesPerMinute}/min) and ${exerciseMinutes} for the exercises (${predictions} ` +
    `predictions at ${r.minutesPerPrediction} min, ${exercises} coding exercises at ` +
    `${r.minutesPerExercise} min).`;
  return { words, codeLines, predictions, exercises, readMinutes, exerciseMinutes, summary };
}

/**
 * {@linkcode studyTimeOf} for a notebook file (a path relative to the working directory, which
 * is the notebook's folder in a kernel). Needs read permission.
 *
 * @example
 * ```ts
 * import { studyTime } from "./study_time.ts";
 * const t = await studyTime(new URL("../00_overview.ipynb", import.meta.url));
 * if (t.readMinutes < 1) throw new Error(t.summary);
 * ```
 */
export async function studyTime(file: string | URL): Promise<StudyTime> {
  return studyTimeOf(await Deno.readTextFile(file));
}
