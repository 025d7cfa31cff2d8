/**
 * `./losslab test`: every check and test, as stages that run at the same time where they do not
 * depend on each other, with a table of each stage's time at the end.
 *
 * The notebook test executes every notebook once (twice in one kernel) into build/, and the
 * renderer, browser and workshop tests read that run instead of executing the notebooks again
 * (LOSSLAB_EXECUTED=build). A stage's output goes to build/test-logs/STAGE.log and is printed whole
 * when the stage fails; a stage whose prerequisite failed is skipped. Exits 1 when any stage failed.
 *
 * Usage: deno run -A tools/test.ts [--jobs N] [STAGE ...]
 *   --jobs N   stages running at once (default: the cores available; on the 2-core build machine
 *              1, 2 and 3 at once took 7 min 27 s, 6 min 54 s and 7 min 22 s, one run each: the
 *              stages keep both cores busy, so a third adds contention rather than speed)
 *   STAGE      run only these stages (and not their prerequisites): check, pure, unit, notebooks,
 *              renderer, browser, workshop
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const BUILD = `${ROOT}build`;
const LOGS = `${BUILD}/test-logs`;

/** One stage of the test command: a deno task, and the stages whose results it reads. */
interface Stage {
  name: string;
  task: string;
  after: string[];
}

// In order of priority: a stage starts, when a slot is free, before the stages listed below it. The
// browser test is the longest, so it starts as soon as the notebooks have been executed.
const STAGES: Stage[] = [
  { name: "notebooks", task: "test:notebooks", after: [] },
  { name: "browser", task: "test:browser", after: ["notebooks"] },
  { name: "check", task: "check", after: [] },
  { name: "renderer", task: "test:renderer", after: ["notebooks"] },
  { name: "workshop", task: "test:workshop", after: ["notebooks"] },
  { name: "pure", task: "test:pure", after: [] },
  { name: "unit", task: "test:unit", after: [] },
];

interface Result {
  stage: Stage;
  status: "ok" | "failed" | "skipped";
  startedS: number;
  seconds: number;
  /** User plus system CPU seconds of the stage's processes. */
  cpuSeconds: number;
  summary: string;
}

function parseArgs(args: string[]): { jobs: number; only: string[] } {
  let jobs = navigator.hardwareConcurrency;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--jobs") {
      jobs = Number(args[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) {
        throw new Error(`tools/test.ts: --jobs is ${args[i]}, expected a whole number >= 1`);
      }
    } else if (STAGES.some((s) => s.name === args[i])) {
      only.push(args[i]);
    } else {
      throw new Error(
        `tools/test.ts: unknown argument "${args[i]}", expected --jobs N or a stage (${
          STAGES.map((s) => s.name).join(", ")
        })`,
      );
    }
  }
  return { jobs, only };
}

/** The lines of a log that say how its test runs went (deno test's "ok | ..."), joined. */
function summaryOf(log: string): string {
  const lines = log.split("\n").map((l) => l.trim()).filter(Boolean);
  const runs = lines.filter((l) => /^(ok|FAILED) \|/.test(l));
  // Their " | " separators would split a table cell.
  return (runs.length ? runs.join("; ") : lines.findLast((l) => /^total: /.test(l)) ?? "")
    .replaceAll(" | ", ", ");
}

/** The children's user + system seconds from bash's `times` (its second line: "0m1.5s 0m0.2s"). */
function cpuOf(times: string): number {
  const line = times.trim().split("\n")[1] ?? "";
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)]
    .reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

function formatSeconds(s: number): string {
  if (s < 59.95) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

const running = new Set<Deno.ChildProcess>();

async function runStage(stage: Stage, t0: number): Promise<Result> {
  const startedS = (performance.now() - t0) / 1000;
  const logPath = `${LOGS}/${stage.name}.log`;
  const file = await Deno.open(logPath, { write: true, create: true, truncate: true });
  // bash's `times` reports the CPU seconds of everything the stage ran (its reaped children).
  const cpuPath = `${LOGS}/${stage.name}.cpu`;
  const child = new Deno.Command("bash", {
    args: [
      "-c",
      'deno task "$1"; status=$?; times > "$2"; exit $status',
      "losslab-test",
      stage.task,
      cpuPath,
    ],
    cwd: ROOT,
    env: { LOSSLAB_EXECUTED: BUILD, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  running.add(child);
  // stdout and stderr into one log, in the order they arrive.
  const writer = file.writable.getWriter();
  let queue = Promise.resolve();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) queue = queue.then(() => writer.write(chunk));
  };
  await Promise.all([pump(child.stdout), pump(child.stderr)]);
  const { success } = await child.status;
  running.delete(child);
  await queue;
  await writer.close();
  const seconds = (performance.now() - t0) / 1000 - startedS;
  const log = await Deno.readTextFile(logPath);
  const status = success ? "ok" : "failed";
  const cpuSeconds = cpuOf(await Deno.readTextFile(cpuPath).catch(() => ""));
  console.log(`${status === "ok" ? "ok    " : "FAILED"} ${stage.name} (${formatSeconds(seconds)})`);
  if (!success) {
    console.log(`----- ${stage.name}: deno task ${stage.task}, ${logPath} -----`);
    console.log(log.trimEnd());
    console.log(`----- end of ${stage.name} -----`);
  }
  return { stage, status, startedS, seconds, cpuSeconds, summary: summaryOf(log) };
}

async function main(): Promise<number> {
  const { jobs, only } = parseArgs(Deno.args);
  const stages = only.length ? STAGES.filter((s) => only.includes(s.name)) : STAGES;
  await Deno.mkdir(LOGS, { recursive: true });
  // Stopping the command stops every stage it started.
  const stop = () => {
    for (const child of running) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
    }
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);

  const t0 = performance.now();
  const results = new Map<string, Result>();
  const active = new Map<string, Promise<Result>>();
  const pending = [...stages];
  console.log(
    `losslab test: ${stages.map((s) => s.name).join(", ")}; up to ${jobs} at once; logs in ${LOGS}`,
  );
  while (pending.length || active.size) {
    // Skip stages whose prerequisite failed or was skipped; start ready ones while slots are free.
    for (const stage of [...pending]) {
      const blocked = stage.after.find((a) => {
        const r = results.get(a);
        return r !== undefined && r.status !== "ok";
      });
      if (blocked !== undefined) {
        pending.splice(pending.indexOf(stage), 1);
        results.set(stage.name, {
          stage,
          status: "skipped",
          startedS: 0,
          seconds: 0,
          cpuSeconds: 0,
          summary: `${blocked} did not pass`,
        });
        console.log(`skip   ${stage.name} (${blocked} did not pass)`);
      }
    }
    for (const stage of [...pending]) {
      if (active.size >= jobs) break;
      const ready = stage.after.every((a) =>
        results.get(a)?.status === "ok" || !stages.some((s) => s.name === a)
      );
      if (!ready) continue;
      pending.splice(pending.indexOf(stage), 1);
      active.set(stage.name, runStage(stage, t0));
    }
    if (active.size === 0) continue;
    const done = await Promise.race(active.values());
    active.delete(done.stage.name);
    results.set(done.stage.name, done);
  }
  const total = (performance.now() - t0) / 1000;
  const cpu = [...results.values()].reduce((sum, r) => sum + r.cpuSeconds, 0);

  console.log("\n| stage | deno task | started | took | CPU | result |");
  console.log("| --- | --- | --: | --: | --: | --- |");
  for (const stage of stages) {
    const r = results.get(stage.name)!;
    console.log(
      `| ${stage.name} | ${stage.task} | ${
        r.status === "skipped" ? "" : formatSeconds(r.startedS)
      } | ${r.status === "skipped" ? "" : formatSeconds(r.seconds)} | ${
        r.status === "skipped" ? "" : formatSeconds(r.cpuSeconds)
      } | ${r.status}${r.summary ? `: ${r.summary}` : ""} |`,
    );
  }
  const failed = [...results.values()].filter((r) => r.status !== "ok").map((r) => r.stage.name);
  console.log(
    `\nlosslab test: ${formatSeconds(total)} (${formatSeconds(cpu)} of CPU), ${
      failed.length ? `not passed: ${failed.join(", ")}` : "every stage passed"
    }`,
  );
  return failed.length ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
