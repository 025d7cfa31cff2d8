/**
 * `deno task bench output_settle`: does a cell's output stay under the cell under _Run All_, and
 * what does waiting for it cost? Sends N cells to one Deno kernel at once (as a front end's Run All
 * queues them), each printing a line, displaying 300 KB (which keeps the kernel's sender busy) and
 * printing another line, with some work between, and counts the lines that arrive
 * labelled with another cell's request. Ways of waiting after each line:
 *
 * - `none`: no wait;
 * - `pause 25 ms`: a fixed pause (`OUTPUT_SETTLE_MS`, the fallback of `settleOutput`);
 * - `marker`: `settleOutput` in the kernel: it waits until the kernel sends back a marker queued
 *   after the line.
 *
 * Each runs on a quiet machine and beside CPU-bound processes (2 and 8 per core).
 * Prints the lines filed under the wrong cell and the median and largest wait per line. Needs
 * Jupyter (`./losslab bench` installs it).
 *
 * Usage: deno run -A bench/output_settle_bench.ts [CELLS]   (default 200 cells)
 *
 * @module
 */
const ROOT = new URL("../", import.meta.url).pathname;
const cells = Number(Deno.args[0] ?? 200);
if (!Number.isInteger(cells) || cells < 1) {
  throw new RangeError(
    `output_settle_bench: CELLS is "${Deno.args[0]}", expected a whole number >= 1`,
  );
}

const PROBE = `
import json, re, sys, time
from jupyter_client.manager import KernelManager

settle, cells, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
km = KernelManager(kernel_name="deno")
km.start_kernel(cwd=root)
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=60)
    kc.execute_interactive(
        'const { settleOutput } = await import("./lib/runtime/output.ts");'
        'globalThis.waits = []; globalThis.big = { "text/plain": "x".repeat(300000) };'
        'globalThis.settle = async (how) => { const t = performance.now();'
        ' if (how === "marker") await settleOutput();'
        ' else if (how === "pause") await new Promise((r) => setTimeout(r, 25));'
        ' globalThis.waits.push(performance.now() - t); }; undefined;', timeout=60)
    ids = {}
    for i in range(cells):
        work = f"for (let k = 0; k < 20000; k++) s{i} += Math.sqrt(k);"
        code = (f"let s{i} = 0; {work} console.log('cell {i} a'); await settle('{settle}');"
                f" {work} await Deno.jupyter.display(big, {{ raw: true }});"
                f" console.log('cell {i} b'); await settle('{settle}');")
        ids[kc.execute(code)] = i
    done = wrong = lines = 0
    while done < cells:
        msg = kc.get_iopub_msg(timeout=120)
        parent = msg["parent_header"].get("msg_id")
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle" and parent in ids:
            done += 1
        if msg["msg_type"] == "stream":
            for line in msg["content"]["text"].splitlines():
                m = re.match(r"cell (\\d+) ", line)
                if m:
                    lines += 1
                    wrong += int(m.group(1)) != ids.get(parent)
    reply = kc.execute_interactive(
        'const w = globalThis.waits.sort((a, b) => a - b);'
        'console.log(JSON.stringify({ median: w[w.length >> 1], max: w[w.length - 1] }));'
        ' await settleOutput();',
        timeout=60, output_hook=lambda m: m["msg_type"] == "stream" and print(m["content"]["text"], end=""))
    print(json.dumps({"lines": lines, "wrong": wrong}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
`;

interface Row {
  lines: number;
  wrong: number;
  median: number;
  max: number;
}

async function probe(settle: string): Promise<Row> {
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", PROBE, settle, String(cells), ROOT],
    env: { JUPYTER_PATH: `${ROOT}.jupyter`, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(
      `output_settle_bench: the probe failed (exit ${code})\n${out}${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  const [waits, counts] = out.trim().split("\n").filter((l) => l.startsWith("{")).slice(-2)
    .map((l) => JSON.parse(l));
  return { ...counts, ...waits };
}

/** CPU-bound processes (busy loops), stopped by the returned function. */
function load(processes: number): () => Promise<void> {
  const children = Array.from(
    { length: processes },
    () => new Deno.Command("/usr/bin/python3", { args: ["-c", "while True: pass"] }).spawn(),
  );
  return async () => {
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(children.map((c) => c.status));
  };
}

const cores = navigator.hardwareConcurrency;
console.log(
  `${cells} cells sent at once to one kernel, each printing a line, displaying 300 KB and printing` +
    ` another line; ${cores} cores; "busy loops": CPU-bound processes beside it.\n`,
);
console.log(
  "| wait after each line | machine | lines | under the wrong cell | median wait (ms) | largest wait (ms) |",
);
console.log("| --- | --- | --: | --: | --: | --: |");
for (const hogs of [0, 2 * cores, 8 * cores]) {
  for (
    const [settle, label] of [["none", "none"], ["pause", "pause 25 ms"], ["marker", "marker"]]
  ) {
    const stop = hogs > 0 ? load(hogs) : null;
    try {
      const r = await probe(settle);
      console.log(
        `| ${label} | ${hogs === 0 ? "quiet" : `${hogs} busy loops`} | ${r.lines} | ${r.wrong} | ${
          r.median.toFixed(2)
        } | ${r.max.toFixed(1)} |`,
      );
    } finally {
      await stop?.();
    }
  }
}
