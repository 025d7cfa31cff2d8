/**
 * `deno task bench main_job`: the main job (`tools/run_notebooks.py`, as `./losslab notebooks` runs
 * it) several times with its default `--jobs`, then once with `--jobs 1`, into a temporary folder.
 * Prints each run's total, and per notebook of the `--jobs 1` run the kernel's start-up against the
 * notebook's own cells. Needs Jupyter (`./losslab bench` installs it).
 *
 * Usage: deno run -A bench/main_job_bench.ts [RUNS]   (default 5 runs)
 *
 * @module
 */
import { quantileSorted } from "../lib/_core/sorted_stats.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const runs = Number(Deno.args[0] ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
  throw new RangeError(`main_job_bench: RUNS is "${Deno.args[0]}", expected a whole number >= 1`);
}

interface Timing {
  start: number;
  queued: number;
  cells: number[];
  late_output: number[];
  stop: number;
}
interface Summary {
  notebook: string;
  seconds: number;
  failure: string | null;
  timing: Timing;
  passes: { index: number; seconds: number }[][];
}

/** One run of the main job into `out`: the total it printed, the process's wall time, the summary. */
async function mainJob(out: string, jobs: string[]): Promise<{ printed: number; wall: number }> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [`${ROOT}tools/run_notebooks.py`, "--out", out, ...jobs],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - started) / 1000;
  const log = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(
      `main_job_bench: the main job failed (exit ${code})\n${log}${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  const total = log.match(/^total: .*?, ([0-9.]+) s, 0 failed/m);
  if (!total) throw new Error(`main_job_bench: no total line in the main job's output\n${log}`);
  return { printed: Number(total[1]), wall };
}

const median = (xs: number[]) => quantileSorted([...xs].sort((a, b) => a - b), 0.5);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const out = await Deno.makeTempDir({ prefix: "losslab-main-job-" });
try {
  // A first run gives the later ones the longest-first order a rerun of the job has.
  await mainJob(out, []);
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await mainJob(out, []));
  const cores = navigator.hardwareConcurrency;
  console.log(`Main job, default --jobs (${cores} cores), ${runs} runs after one to order them:\n`);
  console.log("| run | printed total (s) | process wall (s) |\n| --: | --: | --: |");
  results.forEach((r, i) => console.log(`| ${i + 1} | ${f1(r.printed)} | ${f1(r.wall)} |`));
  const printed = results.map((r) => r.printed);
  console.log(
    `\nprinted total: median ${f1(median(printed))} s, ${f1(Math.min(...printed))}–${
      f1(Math.max(...printed))
    } s; process wall: median ${f1(median(results.map((r) => r.wall)))} s`,
  );

  const one = await mainJob(out, ["--jobs", "1"]);
  const summaries: Summary[] = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  console.log(
    `\n--jobs 1: printed total ${f1(one.printed)} s. Per notebook (seconds): "kernel start" is` +
      ` nbclient starting the Deno kernel until its first reply, "import cell" the first code cell` +
      ` (tfjs and the library), "late-output wait + stop" the quiet wait after the last cell and` +
      ` the kernel's shutdown; the wait for the notebook's turn is not counted.\n`,
  );
  console.log(
    "| notebook | total | kernel start | import cell | the rest of the cells | late-output wait + stop | slowest cell |",
  );
  console.log("| --- | --: | --: | --: | --: | --: | --: |");
  const totals = { total: 0, start: 0, imports: 0, rest: 0, waits: 0 };
  for (const s of summaries) {
    const cells = s.passes[0];
    const imports = cells[0].seconds;
    const rest = sum(cells.slice(1).map((c) => c.seconds));
    const waits = sum(s.timing.late_output) + s.timing.stop;
    const slowest = cells.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    totals.total += s.seconds;
    totals.start += s.timing.start;
    totals.imports += imports;
    totals.rest += rest;
    totals.waits += waits;
    console.log(
      `| \`${s.notebook.replace(/\.ipynb$/, "")}\` | ${f1(s.seconds)} | ${f2(s.timing.start)} | ${
        f2(imports)
      } | ${f2(rest)} | ${f2(waits)} | ${f2(slowest.seconds)} (cell ${slowest.index + 1}) |`,
    );
  }
  console.log(
    `| all ${summaries.length} | ${f1(totals.total)} | ${f2(totals.start)} | ${
      f2(totals.imports)
    } | ${f2(totals.rest)} | ${f2(totals.waits)} | |`,
  );
} finally {
  await Deno.remove(out, { recursive: true });
}
