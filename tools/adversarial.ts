/**
 * Adversarial run over losslab's public API: every exported function and class constructor of
 * `lib/mod.ts` is called once with valid input (its template) and then with bad input derived
 * from it, and each bad call is classified:
 *
 * - `clear`: an Error whose message starts with `<name>: ` (or `<Class>: `, `<Class.method>: `)
 *   and has no JS-engine or tfjs-internal text in it;
 * - `obscure`: any other throw (or a hang past the time limit);
 * - `silent-wrong`: the call returned (or resolved) although its input was invalid;
 * - `leak` (counted on its own, overlaps the others): `tf.memory().numTensors` is higher after a
 *   call that threw than before it.
 *
 * Generic mutations come from the template: each numeric-array argument with its first leaf NaN,
 * its last leaf Infinity, empty, a string, and one row shorter (when arrays must match in
 * length); each options object with a misspelt key (snake_case of a real one) or as a number;
 * each numeric option NaN, each number/boolean/choice option the string "x". Hand-written cases
 * add what those miss (out-of-range labels and ids, negative weights, non-integer seeds, widths
 * <= 0, ...). Mutations that are valid for a function are listed on its template and skipped.
 * Functions a commit does not export are reported as absent, so the tool runs on older commits.
 *
 * Run from the repository root: `deno run -A tools/adversarial.ts [--json FILE]`. It prints a
 * table per folder, then every non-clear outcome (and every leak); `--json` also writes all
 * outcomes to FILE.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type Fn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;
type Args = unknown[];
type Outcome = "clear" | "obscure" | "silent-wrong";

/** One function (or method) under test. */
interface Spec {
  folder: string;
  /** Name shown in the report; a message must start with it (or with one of `prefix`). */
  name: string;
  /** Export to look up; default `name` up to the first dot. */
  exp?: string;
  /** Parameter names, space-separated, for the mutation labels. */
  p: string;
  /** A fresh valid argument list (tensors and models made here are disposed after the call). */
  args: () => Args;
  /** How to call the export; default `f(...args)`. */
  call?: (f: Fn, a: Args) => unknown;
  /** Indices of array parameters that must match in length (adds "shorter" mutations). */
  match?: number[];
  /** Index of the options object, with its real keys (`name:kind`, kind n|b|e|a|s|o). */
  opt?: number;
  keys?: string;
  /** Only option mutations and hand-written cases (heavy functions: loaders, training). */
  noArrays?: boolean;
  /** Mutation labels that are valid input for this function (not run, not counted). */
  valid?: string[];
  /** Hand-written bad calls: label → new argument list from the template's. */
  extra?: Record<string, (a: Args) => Args>;
  /** Accepted message prefixes besides the default. */
  prefix?: string[];
  /** Run after every call (e.g. restore the backend). */
  after?: () => Promise<unknown>;
}

interface Result {
  folder: string;
  name: string;
  mutation: string;
  outcome: Outcome;
  leak: boolean;
  message: string;
  ms: number;
  left: number;
}

/** The library's exports (filled by {@linkcode load}). */
const L: Record<string, unknown> = {};
/** Folders whose entry point failed to load, with the error. */
const unloaded = new Map<string, string>();

/**
 * Imports `lib/mod.ts`; if that fails (a tree in the middle of an edit), each folder's `mod.ts`
 * on its own, so the folders that load are still tested.
 */
async function load(): Promise<void> {
  try {
    Object.assign(L, await import("../lib/mod.ts"));
    return;
  } catch (e) {
    console.log(`lib/mod.ts failed to load (${firstLine(e)}); loading folder by folder`);
  }
  const folders: Record<string, () => Promise<Record<string, unknown>>> = {
    losses: () => import("../lib/losses/mod.ts"),
    training: () => import("../lib/training/mod.ts"),
    analysis: () => import("../lib/analysis/mod.ts"),
    structured: () => import("../lib/structured/mod.ts"),
    datasets: () => import("../lib/datasets/mod.ts"),
    charts: () => import("../lib/charts/mod.ts"),
    runtime: () => import("../lib/runtime/mod.ts"),
  };
  for (const [folder, imp] of Object.entries(folders)) {
    try {
      Object.assign(L, await imp());
    } catch (e) {
      unloaded.set(folder, firstLine(e));
    }
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 160);
}
const fn = (name: string): Fn => {
  const f = L[name];
  if (typeof f !== "function") throw new Error(`${name} is not exported`);
  return f as Fn;
};
const construct = (C: Fn, a: Args): unknown => new (C as unknown as Ctor)(...a);
const ctorCall = (C: Fn, a: Args): unknown => construct(C, a);

const INTERNALS: (string | RegExp)[] = [
  "Cannot read properties",
  "Maximum call stack",
  "is not a function",
  "is not iterable",
  "Error in ",
  "Operands could not be broadcast",
  // tfjs's assertShapesMatch ("Shapes 2,2 and 1,2 must match"); a library message that names
  // the function and says two arguments "must match" is not an internal one.
  /Shapes [\d,]* and [\d,]* must match/,
  "Based on the provided shape",
  "Argument '",
  "Requested out of range",
  "Tensor is disposed",
  "Cannot convert",
];

// ---------------------------------------------------------------- argument helpers

const set = (i: number, v: unknown) => (a: Args): Args => {
  const b = [...a];
  b[i] = v;
  return b;
};
const opt = (i: number, patch: Record<string, unknown>) => (a: Args): Args => {
  const b = [...a];
  b[i] = { ...(a[i] as Record<string, unknown>), ...patch };
  return b;
};
const withArgs = (...extra: unknown[]) => (a: Args): Args => [...a, ...extra];

function isNumArray(v: unknown): boolean {
  if (v instanceof Float32Array || v instanceof Float64Array) return v.length > 0;
  return Array.isArray(v) && v.length > 0 &&
    v.every((x) => typeof x === "number" || isNumArray(x));
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Sets the first (or last) numeric leaf of a nested array. */
function setLeaf(v: unknown, last: boolean, value: number): unknown {
  const c = clone(v) as { length: number; [i: number]: unknown };
  let node = c;
  for (;;) {
    const i = last ? node.length - 1 : 0;
    if (typeof node[i] === "number") {
      node[i] = value;
      return c;
    }
    node = node[i] as typeof node;
  }
}

function shorter(v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Float64Array) return v.slice(0, v.length - 1);
  return (v as unknown[]).slice(0, -1);
}

function empty(v: unknown): unknown {
  if (v instanceof Float32Array) return new Float32Array(0);
  if (v instanceof Float64Array) return new Float64Array(0);
  return [];
}

/** A misspelling of an option key: its snake_case, or two letters swapped. */
function misspell(key: string): string {
  const snake = key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  if (snake !== key) return snake;
  return key.length > 2 ? key.slice(0, -2) + key.at(-1) + key.at(-2) : key + "s";
}

/** Generic mutations of a spec, from one sample of its template arguments. */
function mutations(spec: Spec, sample: Args): [string, (a: Args) => Args][] {
  const names = spec.p.split(" ");
  const out: [string, (a: Args) => Args][] = [];
  if (!spec.noArrays) {
    sample.forEach((v, i) => {
      if (i === spec.opt || !isNumArray(v)) return;
      const p = names[i] ?? `arg${i}`;
      out.push([`${p}[first]=NaN`, (a) => set(i, setLeaf(a[i], false, NaN))(a)]);
      out.push([`${p}[last]=Infinity`, (a) => set(i, setLeaf(a[i], true, Infinity))(a)]);
      out.push([`${p}=[]`, (a) => set(i, empty(a[i]))(a)]);
      out.push([`${p}="abc"`, set(i, "abc")]);
      if (spec.match?.includes(i) && spec.match.length >= 2) {
        out.push([`${p} one shorter`, (a) => set(i, shorter(a[i]))(a)]);
      }
    });
  }
  if (spec.opt !== undefined) {
    const i = spec.opt, p = names[i] ?? "options";
    const keys = (spec.keys ?? "").split(" ").filter((k) => k).map((k) => k.split(":"));
    const first = keys.find(([k]) => /[A-Z]/.test(k)) ?? keys[0];
    if (first) {
      out.push([`${p}.${misspell(first[0])} (unknown key)`, opt(i, { [misspell(first[0])]: 1 })]);
    }
    out.push([`${p}=42`, set(i, 42)]);
    for (const [k, kind] of keys) {
      if (kind === "n") out.push([`${p}.${k}=NaN`, opt(i, { [k]: NaN })]);
      if (kind === "n" || kind === "b" || kind === "e") {
        out.push([`${p}.${k}="x"`, opt(i, { [k]: "x" })]);
      }
      if (kind === "a") {
        out.push([`${p}.${k}[first]=NaN`, (a) => {
          const cur = (a[i] as Record<string, unknown>)[k];
          return opt(i, { [k]: isNumArray(cur) ? setLeaf(cur, false, NaN) : [NaN] })(a);
        }]);
        out.push([`${p}.${k}="abc"`, opt(i, { [k]: "abc" })]);
      }
    }
  }
  for (const [label, make] of Object.entries(spec.extra ?? {})) out.push([label, make]);
  return out.filter(([label]) => !spec.valid?.includes(label));
}

// ---------------------------------------------------------------- running one call

const realConsole = { ...console };
function mute(on: boolean): void {
  const noop = () => {};
  for (const k of ["log", "info", "warn", "error", "debug"] as const) {
    console[k] = on ? noop : realConsole[k];
  }
}

/** Disposes tensors, variables, models and datasets found in `v` (a few levels deep). */
function disposeDeep(v: unknown, depth = 0): void {
  if (v === null || typeof v !== "object" || depth > 4) return;
  if (v instanceof tf.Tensor) {
    if (!v.isDisposed) v.dispose();
    return;
  }
  if (ArrayBuffer.isView(v)) return;
  const d = (v as { dispose?: unknown }).dispose;
  if (typeof d === "function") {
    try {
      d.call(v);
    } catch { /* already disposed */ }
    return;
  }
  if (Array.isArray(v)) {
    if (v.length > 1000) return;
    for (const x of v) disposeDeep(x, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) disposeDeep(x, depth + 1);
  }
}

const TIMEOUT_MS = 30_000;
function withTimeout(p: Promise<unknown>): Promise<unknown> {
  let id: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise((_, reject) => {
    id = setTimeout(() => reject(new Error(`timeout after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(id));
}

function prefixes(spec: Spec): string[] {
  const [cls, method] = spec.name.split(".");
  const out = [spec.name, cls, ...(spec.prefix ?? [])];
  if (method) out.push(method);
  return out;
}

function classify(spec: Spec, e: unknown): [Outcome, string] {
  const message = e instanceof Error ? e.message : `non-Error thrown: ${String(e)}`;
  const named = e instanceof Error && prefixes(spec).some((p) =>
    // `makeLoss(mse): ...` names the loss that makeLoss returned.
    message.startsWith(`${p}: `) || (message.startsWith(`${p}(`) && /^[^:]*\): /.test(message))
  );
  // train quotes the error of the learner's own model function after naming the batch's shape:
  // the quoted text is theirs, not the library's.
  const quoted = message.includes(": the model function threw on a batch of x of shape [");
  const internal = !quoted && INTERNALS.some((
    s,
  ) => (typeof s === "string" ? message.includes(s) : s.test(message)));
  return [named && !internal ? "clear" : "obscure", message];
}

async function runCall(
  spec: Spec,
  f: Fn,
  make: (a: Args) => Args,
): Promise<
  { outcome: Outcome; leak: boolean; message: string; ms: number; left: number; setup?: string }
> {
  const start = tf.memory().numTensors;
  tf.engine().startScope();
  let base: Args = [], args: Args = [];
  try {
    base = spec.args();
    args = make(base);
  } catch (e) {
    disposeDeep([base, args]);
    tf.engine().endScope();
    return { outcome: "obscure", leak: false, message: "", ms: 0, left: 0, setup: String(e) };
  }
  const before = tf.memory().numTensors;
  let outcome: Outcome = "silent-wrong", message = "", leak = false;
  const t0 = performance.now();
  mute(true);
  try {
    const r = await withTimeout(Promise.resolve(spec.call ? spec.call(f, args) : f(...args)));
    mute(false);
    disposeDeep(r);
  } catch (e) {
    mute(false);
    leak = tf.memory().numTensors > before;
    [outcome, message] = classify(spec, e);
    if (leak) message += ` [+${tf.memory().numTensors - before} tensors]`;
  }
  const ms = performance.now() - t0;
  disposeDeep([base, args]);
  tf.engine().endScope();
  if (spec.after) {
    mute(true);
    try {
      await spec.after();
    } finally {
      mute(false);
    }
  }
  // Tensors still alive after the call's scope closed and its arguments and result were disposed
  // (variables made inside the library that nothing returned, caches).
  const left = tf.memory().numTensors - start;
  return { outcome, leak, message, ms, left };
}

// ---------------------------------------------------------------- templates

const yt = () => [[0, 1], [0, 0]];
const yp = () => [[0.6, 0.4], [0.4, 0.6]];
const mse = (t: unknown, p: unknown) => fn("meanSquaredError")(t, p);
const batchMse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(t, p)));
const denseModel = () =>
  tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "zeros" })],
  });
const tracker = (task = "multiclass", epochs = 2) => {
  const t = construct(fn("SampleTracker"), [3, { task }]) as {
    startEpoch(): void;
    record(...a: unknown[]): void;
  };
  for (const p of [[0.9, 0.1, 0.2], [0.9, 0.9, 0.2], [0.8, 0.9, 0.1]].slice(0, epochs)) {
    t.startEpoch();
    if (task === "regression") t.record([0, 1, 2], [0.1, 0.2, 0.3]);
    else t.record([0, 1, 2], [0.1, 0.2, 0.3], p, p.map((q) => (q > 0.5 ? 1 : 0)));
  }
  return t;
};
const gcnGraph = (n: number, edges: number[][], labels: number[]) => ({
  adjacency: fn("normalizedAdjacency")(n, edges),
  features: tf.eye(n),
  labels: tf.tensor1d(labels),
});
const seqModel = () => fn("createSequenceModel")({ units: 2, seed: 1 });
const miserablesJson = () => ({
  nodes: [{ name: "a", group: 0 }, { name: "b", group: 1 }, { name: "c", group: 1 }],
  links: [{ source: 0, target: 1, value: 1 }, { source: 1, target: 2, value: 2 }],
});
const stockRows = () =>
  ["Jan 1 2000", "Feb 1 2000", "Mar 1 2000", "Apr 1 2000"].map((date, i) => ({
    symbol: "A",
    date,
    price: String(10 + i),
  }));
const smallSpec = () => ({
  data: { values: [{ x: 1, y: 2 }] },
  mark: "point",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
});
const chartSize = {
  "options.width=0": opt(1, { width: 0 }),
  "options.width=-5": opt(1, { width: -5 }),
};
const chartSizeH = { ...chartSize, "options.height=0": opt(1, { height: 0 }) };

/** Plain per-sample losses with no options: yTrue, yPred of the same shape. */
const plainLoss = (name: string, extra: Spec["extra"] = {}): Spec => ({
  folder: "losses",
  name,
  p: "yTrue yPred",
  args: () => [yt(), yp()],
  match: [0, 1],
  extra: { "yPred has 3 columns": set(1, [[0.6, 0.4, 0], [0.4, 0.6, 0]]), ...extra },
});

const CE = "fromLogits:b labelSmoothing:n";
const lossWith = (name: string, keys: string, extra: Spec["extra"] = {}): Spec => ({
  folder: "losses",
  name,
  p: "yTrue yPred options",
  args: () => [yt(), yp(), {}],
  match: [0, 1],
  opt: 2,
  keys,
  extra: { "yPred has 3 columns": set(1, [[0.6, 0.4, 0], [0.4, 0.6, 0]]), ...extra },
});
const smoothing = { "options.labelSmoothing=2": opt(2, { labelSmoothing: 2 }) };
const maskKeys = "lengths:a mask:a";
// Row 0 has one real token, row 1 three: the first and last leaves are real tokens.
const perToken = () => [[6, 100, 100], [1, 2, 3]];
const maskExtras = (i: number) => ({
  "options.lengths=[4, 1] (> time)": opt(i, { lengths: [4, 1] }),
  "options.lengths=[1, 1.5]": opt(i, { lengths: [1, 1.5] }),
  "options.lengths=[3] (one per row expected)": opt(i, { lengths: [3] }),
  "options.lengths and options.mask both": opt(i, { mask: [[1, 0, 0], [1, 1, 1]] }),
  "options.mask has a 2": opt(i, { lengths: undefined, mask: [[1, 0, 2], [1, 1, 1]] }),
});
const batchLossExtras = {
  "loss=42": set(0, 42),
  "loss returns [batch]": set(
    0,
    (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(t, p)), -1),
  ),
};
const robust = (name: string): Spec => ({
  folder: "losses",
  name,
  p: "values options",
  args: () => [[1, 2, 3, 10], { method: "trimmed_mean", trim: 0.25 }],
  opt: 1,
  keys: "method:e trim:n",
  extra: {
    "options.trim=1": opt(1, { trim: 1 }),
    "options.trim=-0.1": opt(1, { trim: -0.1 }),
    "top_k options.k=0": set(1, { method: "top_k", k: 0 }),
    "top_k options.k=10 (> n)": set(1, { method: "top_k", k: 10 }),
    "top_k options.k=1.5": set(1, { method: "top_k", k: 1.5 }),
  },
});
const weightExtras = (i: number) => ({
  "options.sampleWeight has -1": opt(i, { sampleWeight: [1, -1, 1, 1] }),
  "options.sampleWeight one short": opt(i, { sampleWeight: [1, 1, 1] }),
});
const embeddings = () => [[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]];
const overlap = (name: string): Spec => ({
  folder: "losses",
  name,
  p: "yTrue yPred options",
  args: () => [[[1], [0], [1], [0]], [[0.9], [0.2], [0.6], [0.3]], {}],
  match: [0, 1],
  opt: 2,
  keys: "smooth:n fromLogits:b average:e sampleWeight:a",
  extra: { "options.smooth=-1": opt(2, { smooth: -1 }), ...weightExtras(2) },
});
const loaderKeys = "features:o validationSplit:n seed:n";
const loader = (name: string): Spec => ({
  folder: "datasets",
  name,
  p: "options",
  args: () => [{ seed: 0 }],
  opt: 0,
  keys: loaderKeys,
  noArrays: true,
  extra: {
    "options.validationSplit=1.5": opt(0, { validationSplit: 1.5 }),
    "options.validationSplit=-0.1": opt(0, { validationSplit: -0.1 }),
    'options.features=["nope"]': opt(0, { features: ["nope"] }),
    "options.features=[]": opt(0, { features: [] }),
    "options.seed=1.5": opt(0, { seed: 1.5 }),
  },
});

const SPECS: Spec[] = [
  // ---------------------------------------------------------------- losses
  plainLoss("meanSquaredError"),
  plainLoss("meanAbsoluteError"),
  plainLoss("meanAbsolutePercentageError"),
  plainLoss("meanSquaredLogarithmicError"),
  plainLoss("logCosh"),
  plainLoss("hinge"),
  plainLoss("squaredHinge"),
  plainLoss("categoricalHinge"),
  plainLoss("klDivergence"),
  plainLoss("poisson"),
  lossWith("binaryCrossentropy", CE, smoothing),
  lossWith("binaryFocalCrossentropy", `gamma:n alpha:n applyClassBalancing:b ${CE}`, {
    ...smoothing,
    "options.gamma=-1": opt(2, { gamma: -1 }),
    "options.alpha=2": opt(2, { alpha: 2, applyClassBalancing: true }),
  }),
  lossWith("categoricalCrossentropy", CE, smoothing),
  lossWith("categoricalFocalCrossentropy", `gamma:n alpha:n ${CE}`, {
    ...smoothing,
    "options.gamma=-1": opt(2, { gamma: -1 }),
    "options.alpha has 3 values for 2 classes": opt(2, { alpha: [0.25, 0.25, 0.5] }),
  }),
  lossWith("cosineSimilarity", "axis:n", {
    "options.axis=5": opt(2, { axis: 5 }),
    "options.axis=0.5": opt(2, { axis: 0.5 }),
  }),
  lossWith("huber", "delta:n", { "options.delta=-1": opt(2, { delta: -1 }) }),
  {
    folder: "losses",
    name: "sparseCategoricalCrossentropy",
    p: "yTrue yPred options",
    args: () => [[1, 0], [[0.2, 0.8], [0.6, 0.4]], {}],
    match: [0, 1],
    opt: 2,
    keys: "fromLogits:b",
    extra: {
      "yTrue has label 2 (2 classes)": set(0, [1, 2]),
      "yTrue has label -1": set(0, [1, -1]),
      "yTrue has label 0.5": set(0, [1, 0.5]),
    },
  },
  {
    folder: "losses",
    name: "reduceLoss",
    p: "values options",
    args: () => [[1, 2, 3], { sampleWeight: [1, 1, 1] }],
    opt: 1,
    keys: "reduction:e sampleWeight:a",
    valid: ["values=[]"],
    extra: {
      "options.sampleWeight has -1": opt(1, { sampleWeight: [1, -1, 1] }),
      "options.sampleWeight one short": opt(1, { sampleWeight: [1, 1] }),
      "options.sampleWeight=-2 (scalar)": opt(1, { sampleWeight: -2 }),
    },
  },
  {
    folder: "losses",
    name: "classWeights",
    p: "labels options",
    args: () => [[0, 0, 0, 1], { method: "balanced" }],
    opt: 1,
    keys: "method:e beta:n numClasses:n",
    extra: {
      "labels has -1": set(0, [0, 0, -1, 1]),
      "labels has 1.5": set(0, [0, 0, 1.5, 1]),
      "class 1 has no sample": set(0, [0, 0, 2, 2]),
      "options.numClasses=1 (< labels)": opt(1, { numClasses: 1 }),
      "options.beta=1": opt(1, { method: "effective_number", beta: 1 }),
      "options.beta=-0.5": opt(1, { method: "effective_number", beta: -0.5 }),
    },
  },
  {
    folder: "losses",
    name: "sampleWeightsFromClassWeights",
    p: "labels classWeights",
    args: () => [[0, 1, 1], [2, 0.5]],
    valid: ["labels=[]"],
    extra: {
      "labels has 2 (2 class weights)": set(0, [0, 1, 2]),
      "labels has -1": set(0, [0, -1, 1]),
      "classWeights has -1": set(1, [2, -1]),
    },
  },
  {
    folder: "losses",
    name: "compareNormalizations",
    p: "perToken spec",
    args: () => [perToken(), { lengths: [1, 3] }],
    opt: 1,
    keys: maskKeys,
    extra: maskExtras(1),
  },
  {
    folder: "losses",
    name: "maskedLoss",
    p: "perToken options",
    args: () => [perToken(), { lengths: [1, 3] }],
    opt: 1,
    keys: `${maskKeys} normalization:e allPadding:e numItemsInBatch:n`,
    extra: {
      ...maskExtras(1),
      "options.numItemsInBatch=0": opt(1, { numItemsInBatch: 0 }),
      "options.numItemsInBatch=-3": opt(1, { numItemsInBatch: -3 }),
    },
  },
  {
    folder: "losses",
    name: "perSequenceLoss",
    p: "perToken spec",
    args: () => [perToken(), { lengths: [1, 3] }],
    opt: 1,
    keys: maskKeys,
    extra: maskExtras(1),
  },
  {
    folder: "losses",
    name: "resolveMask",
    p: "perToken spec",
    args: () => [perToken(), { lengths: [1, 3] }],
    opt: 1,
    keys: maskKeys,
    // resolveMask reads only perToken's shape, so non-finite values in it are fine.
    valid: ["perToken[first]=NaN", "perToken[last]=Infinity"],
    extra: maskExtras(1),
  },
  {
    folder: "losses",
    name: "sequenceLossCells",
    p: "perToken options",
    args: () => [perToken(), { lengths: [1, 3], labels: ["a", "b"] }],
    opt: 1,
    keys: `${maskKeys} labels:o`,
    extra: { ...maskExtras(1), 'options.labels=["a"] (2 rows)': opt(1, { labels: ["a"] }) },
  },
  {
    folder: "losses",
    name: "sequenceMask",
    p: "lengths time",
    args: () => [[3, 1], 3],
    valid: ["lengths=[]"],
    extra: {
      "time=-1": set(1, -1),
      "time=1.5": set(1, 1.5),
      "time=2 (< a length)": set(1, 2),
      "lengths has -1": set(0, [3, -1]),
      "lengths has 1.5": set(0, [3, 1.5]),
    },
  },
  {
    folder: "losses",
    name: "egoNetworks",
    p: "numNodes edges centers options",
    args: () => [4, [[0, 1], [1, 2], [2, 3]], [0, 2], { hops: 1 }],
    opt: 3,
    keys: "hops:n",
    valid: ["edges=[]", "centers=[]"],
    extra: {
      "numNodes=-1": set(0, -1),
      "numNodes=2.5": set(0, 2.5),
      "centers has 9 (4 nodes)": set(2, [0, 9]),
      "edges has node 9": set(1, [[0, 1], [1, 9]]),
      "edges has a 1-element edge": set(1, [[0, 1], [1]]),
      "options.hops=-1": opt(3, { hops: -1 }),
      "options.hops=1.5": opt(3, { hops: 1.5 }),
    },
  },
  {
    folder: "losses",
    name: "perGraphLoss",
    p: "perNode batch",
    args: () => [[2, 4, 9, 1], {
      centers: [0, 2],
      nodes: [0, 1, 1, 2, 3],
      segmentIds: [0, 0, 1, 1, 1],
      sizes: [2, 3],
    }],
    extra: {
      "batch.nodes has 9 (4 nodes)": set(1, {
        centers: [0, 2],
        nodes: [0, 9, 1, 2, 3],
        segmentIds: [0, 0, 1, 1, 1],
        sizes: [2, 3],
      }),
      "batch.segmentIds one short": set(1, {
        centers: [0, 2],
        nodes: [0, 1, 1, 2, 3],
        segmentIds: [0, 0, 1, 1],
        sizes: [2, 3],
      }),
      "batch=42": set(1, 42),
    },
  },
  {
    folder: "losses",
    name: "segmentMeanLoss",
    p: "values segmentIds numSegments",
    args: () => [[1, 2, 3], [0, 0, 1], 2],
    match: [0, 1],
    extra: {
      "segmentIds has 5": set(1, [0, 0, 5]),
      "segmentIds has -1": set(1, [0, -1, 1]),
      "segmentIds has 0.5": set(1, [0, 0.5, 1]),
      "numSegments=0": set(2, 0),
      "numSegments=1.5": set(2, 1.5),
    },
  },
  robust("keptMask"),
  robust("robustMean"),
  {
    folder: "losses",
    name: "topKMean",
    p: "options",
    args: () => [{ k: 2 }],
    call: (f, a) => (f(...a) as Fn)(tf.tensor1d([1, 2, 3, 4]), null),
    opt: 0,
    keys: "k:n",
    extra: {
      "options.k=0": set(0, { k: 0 }),
      "options.k=-1": set(0, { k: -1 }),
      "options.k=1.5": set(0, { k: 1.5 }),
    },
  },
  {
    folder: "losses",
    name: "trimmedMean",
    p: "options",
    args: () => [{ trim: 0.25 }],
    call: (f, a) => (f(...a) as Fn)(tf.tensor1d([1, 2, 3, 4]), null),
    opt: 0,
    keys: "trim:n",
    extra: { "options.trim=1": set(0, { trim: 1 }), "options.trim=-0.1": set(0, { trim: -0.1 }) },
  },
  {
    folder: "losses",
    name: "makeLoss",
    p: "fn options",
    args: () => [mse, { reduction: "sum" }],
    call: (f, a) => (f(...a) as Fn)(yt(), yp(), ...a.slice(2)),
    opt: 1,
    keys: "reduction:e name:s",
    extra: {
      "fn=42": set(0, 42),
      "returned loss, sampleWeight [1, -1]": withArgs([1, -1]),
      "returned loss, sampleWeight [1, NaN]": withArgs([1, NaN]),
    },
  },
  {
    folder: "losses",
    name: "inspectLoss",
    p: "fn options",
    args: () => [mse, { yTrue: [[0], [1], [2]], yPred: [[0.5], [1.5], [1]] }],
    opt: 1,
    keys: "yTrue:a yPred:a",
    extra: {
      "fn=42": set(0, 42),
      "options.yPred has 2 rows (yTrue 3)": opt(1, { yPred: [[0.5], [1.5]] }),
    },
  },
  {
    folder: "losses",
    name: "leaveOneOutContributions",
    p: "loss yTrue yPred",
    args: () => [batchMse, [[0], [1], [2]], [[0.5], [1.5], [1]]],
    match: [1, 2],
    extra: batchLossExtras,
  },
  {
    folder: "losses",
    name: "predictionGradientNorms",
    p: "loss yTrue yPred",
    args: () => [batchMse, [[0], [1], [2]], [[0.5], [1.5], [1]]],
    match: [1, 2],
    extra: batchLossExtras,
  },
  {
    folder: "losses",
    name: "ntXent",
    p: "yTrue yPred options",
    args: () => [[0, 0, 1, 1], embeddings(), { temperature: 0.5 }],
    match: [0, 1],
    opt: 2,
    keys: "temperature:n cosine:b sampleWeight:a",
    extra: {
      "options.temperature=0": opt(2, { temperature: 0 }),
      "options.temperature=-1": opt(2, { temperature: -1 }),
      "yTrue has 1.5": set(0, [0, 0, 1.5, 1]),
      ...weightExtras(2),
    },
  },
  {
    folder: "losses",
    name: "ntXentPerAnchor",
    p: "yTrue yPred options",
    args: () => [[0, 0, 1, 1], embeddings(), { temperature: 0.5 }],
    match: [0, 1],
    opt: 2,
    keys: "temperature:n cosine:b",
    extra: {
      "options.temperature=0": opt(2, { temperature: 0 }),
      "yTrue has 1.5": set(0, [0, 0, 1.5, 1]),
    },
  },
  {
    folder: "losses",
    name: "batchHardTriplet",
    p: "yTrue yPred options",
    args: () => [[0, 0, 1, 1], [[0], [2], [3], [5]], {}],
    match: [0, 1],
    opt: 2,
    keys: "margin:n soft:b squared:b sampleWeight:a",
    extra: {
      "options.margin=-1": opt(2, { margin: -1 }),
      "yTrue has 1.5": set(0, [0, 0, 1.5, 1]),
      ...weightExtras(2),
    },
  },
  {
    folder: "losses",
    name: "batchHardTripletPerAnchor",
    p: "yTrue yPred options",
    args: () => [[0, 0, 1, 1], [[0], [2], [3], [5]], {}],
    match: [0, 1],
    opt: 2,
    keys: "margin:n soft:b squared:b",
    extra: {
      "options.margin=-1": opt(2, { margin: -1 }),
      "yTrue has 1.5": set(0, [0, 0, 1.5, 1]),
    },
  },
  overlap("softDice"),
  overlap("softF1"),
  {
    folder: "losses",
    name: "pairwiseAucLoss",
    p: "yTrue yPred options",
    args: () => [[1, 0, 1, 0], [0.9, 0.1, 0.4, 0.6], {}],
    match: [0, 1],
    opt: 2,
    keys: "surrogate:e margin:n sampleWeight:a",
    extra: {
      "options.margin=-1": opt(2, { surrogate: "hinge", margin: -1 }),
      "yTrue has 2": set(0, [1, 0, 2, 0]),
      ...weightExtras(2),
    },
  },
  // ---------------------------------------------------------------- training
  {
    folder: "training",
    name: "microBatchRows",
    p: "batch k",
    args: () => [5, 2],
    extra: {
      "batch=-1": set(0, -1),
      "batch=NaN": set(0, NaN),
      "k=0": set(1, 0),
      "k=6 (> batch)": set(1, 6),
      "k=1.5": set(1, 1.5),
    },
  },
  {
    folder: "training",
    name: "accumulateGradients",
    p: "tokenLoss options",
    args: () => {
      const l = tf.variable(tf.ones([2, 3]), true);
      return [(s: number, e: number) => l.slice([s, 0], [e - s, 3]), {
        lengths: [3, 1],
        microBatches: 2,
        variables: [l],
      }];
    },
    opt: 1,
    keys: `microBatches:n normalization:e variables:o ${maskKeys}`,
    extra: {
      "options.microBatches=0": opt(1, { microBatches: 0 }),
      "options.microBatches=5 (> rows)": opt(1, { microBatches: 5 }),
      "options.microBatches=1.5": opt(1, { microBatches: 1.5 }),
      "options.lengths=[4, 1] (> time)": opt(1, { lengths: [4, 1] }),
      "options.lengths=[3] (2 rows)": opt(1, { lengths: [3] }),
      "tokenLoss=42": set(0, 42),
    },
  },
  {
    folder: "training",
    name: "perSampleGradientNorms",
    p: "model x y options",
    args: () => [denseModel(), [[1], [2]], [[1], [3]], { loss: mse }],
    match: [1, 2],
    opt: 3,
    keys: "method:e variables:o",
    extra: {
      "options.loss missing": set(3, {}),
      "options.loss=42": opt(3, { loss: 42 }),
      "x has 2 features (model takes 1)": set(1, [[1, 2], [3, 4]]),
      "model=42": set(0, 42),
    },
  },
  {
    folder: "training",
    name: "dpClippedGradients",
    p: "model x y options",
    args: () => [denseModel(), [[1], [2]], [[1], [3]], { loss: mse, clipNorm: 1 }],
    match: [1, 2],
    opt: 3,
    keys: "clipNorm:n noiseMultiplier:n seed:n method:e",
    extra: {
      "options.clipNorm=0": opt(3, { clipNorm: 0 }),
      "options.clipNorm=-1": opt(3, { clipNorm: -1 }),
      "options.noiseMultiplier=-1": opt(3, { noiseMultiplier: -1 }),
      "options.seed=1.5": opt(3, { noiseMultiplier: 1, seed: 1.5 }),
      "options.loss missing": set(3, { clipNorm: 1 }),
    },
  },
  {
    folder: "training",
    name: "train",
    p: "model x y options",
    args: () => {
      const w = tf.variable(tf.zeros([1, 1]));
      return [(x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w), [[1], [2]], [[2], [4]], {
        loss: mse,
        optimizer: tf.train.sgd(0.1),
        epochs: 1,
        batchSize: 2,
        seed: 0,
        variables: [w],
        quiet: true,
      }];
    },
    match: [1, 2],
    opt: 3,
    keys: "epochs:n batchSize:n shuffle:b seed:n sampleWeight:a reduction:e quiet:b",
    extra: {
      "options.epochs=0": opt(3, { epochs: 0 }),
      "options.epochs=1.5": opt(3, { epochs: 1.5 }),
      "options.batchSize=0": opt(3, { batchSize: 0 }),
      "options.seed=1.5": opt(3, { seed: 1.5 }),
      "options.sampleWeight has -1": opt(3, { sampleWeight: [1, -1] }),
      "options.sampleWeight one short": opt(3, { sampleWeight: [1] }),
      "options.classWeight=[1, -1]": opt(3, { classWeight: [1, -1] }),
      "options.validationData rows differ": opt(3, { validationData: [[[1]], [[1], [2]]] }),
      "options.loss missing": opt(3, { loss: undefined }),
      "options.loss=42": opt(3, { loss: 42 }),
      "x has 2 features (model takes 1)": set(1, [[1, 2], [3, 4]]),
    },
  },
  {
    folder: "training",
    name: "NonFiniteLossError",
    p: "epoch batch sample value",
    args: () => [0, 0, 1, NaN],
    call: ctorCall,
    extra: {
      "epoch=-1": set(0, -1),
      "batch=1.5": set(1, 1.5),
      'sample="x"': set(2, "x"),
    },
  },
  {
    folder: "training",
    name: "SampleTracker",
    p: "numSamples options",
    args: () => [3, { task: "multiclass" }],
    call: ctorCall,
    opt: 1,
    keys: "task:e pass:e fromLogits:b",
    extra: {
      "numSamples=-1": set(0, -1),
      "numSamples=1.5": set(0, 1.5),
      "numSamples=NaN": set(0, NaN),
      "options.task missing": set(1, {}),
    },
  },
  {
    folder: "training",
    name: "SampleTracker.record",
    p: "samples loss trueProb correct",
    args: () => [[0, 1, 2], [0.1, 0.2, 0.3], [0.9, 0.8, 0.7], [1, 1, 0]],
    call: (C, a) => {
      const t = construct(C, [3, { task: "multiclass" }]) as { startEpoch(): void; record: Fn };
      t.startEpoch();
      return t.record(...a);
    },
    match: [0, 1, 2, 3],
    extra: {
      "samples has 3 (3 samples)": set(0, [0, 1, 3]),
      "samples has -1": set(0, [0, 1, -1]),
      "samples has 1.5": set(0, [0, 1, 1.5]),
      "trueProb has 1.5": set(2, [0.9, 0.8, 1.5]),
      "correct has 2": set(3, [1, 1, 2]),
    },
  },
  ...(["at", "epoch", "sample"] as const).map((m): Spec => ({
    folder: "training",
    name: `SampleTracker.${m}`,
    p: m === "at" ? "epoch sample" : m,
    args: () => (m === "at" ? [0, 1] : [0]),
    call: (C, a) => {
      const t = construct(C, [3, { task: "multiclass" }]) as Record<string, Fn>;
      t.startEpoch();
      t.record([0, 1, 2], [0.1, 0.2, 0.3], [0.9, 0.8, 0.7], [1, 1, 0]);
      return t[m](...a);
    },
    extra: m === "at"
      ? {
        "epoch=1 (1 recorded)": set(0, 1),
        "epoch=-1": set(0, -1),
        "sample=3 (3 samples)": set(1, 3),
        "sample=1.5": set(1, 1.5),
      }
      : m === "epoch"
      ? { "epoch=1 (1 recorded)": set(0, 1), "epoch=-1": set(0, -1), "epoch=0.5": set(0, 0.5) }
      : { "sample=3 (3 samples)": set(0, 3), "sample=-1": set(0, -1), "sample=0.5": set(0, 0.5) },
  })),
  // ---------------------------------------------------------------- analysis
  {
    folder: "analysis",
    name: "arrayBatches",
    p: "x y options",
    args: () => [new Float32Array(10).fill(1), new Float32Array(5).fill(2), {
      numFeatures: 2,
      batchSize: 2,
    }],
    call: (f, a) => [...(f(...a) as Iterable<unknown>)],
    match: [0, 1],
    opt: 2,
    keys: "batchSize:n numFeatures:n targetWidth:n",
    extra: {
      "options.batchSize=0": opt(2, { batchSize: 0 }),
      "options.numFeatures=3 (10 values)": opt(2, { numFeatures: 3 }),
      "options.numFeatures=0": opt(2, { numFeatures: 0 }),
      "x is a plain array": set(0, [1, 2, 3, 4]),
    },
  },
  {
    folder: "analysis",
    name: "dataMap",
    p: "tracker options",
    args: () => [tracker(), {}],
    opt: 1,
    keys: "ambiguousQuantile:n confidenceThreshold:n",
    extra: {
      "options.ambiguousQuantile=1.5": opt(1, { ambiguousQuantile: 1.5 }),
      "options.confidenceThreshold=-1": opt(1, { confidenceThreshold: -1 }),
      "tracker has no epoch": (a) => set(0, tracker("multiclass", 0))(a),
      "tracker is regression": (a) => set(0, tracker("regression"))(a),
      "tracker=42": set(0, 42),
    },
  },
  {
    folder: "analysis",
    name: "findNonFinite",
    p: "values",
    args: () => [[0.5, 1, 2]],
    valid: ["values[first]=NaN", "values[last]=Infinity", "values=[]"],
    extra: { "values=null": set(0, null), "values={}": set(0, {}) },
  },
  {
    folder: "analysis",
    name: "flipLabels",
    p: "labels options",
    args: () => [[0, 1, 2, 0, 1, 2], { fraction: 0.5, seed: 1 }],
    opt: 1,
    keys: "fraction:n numClasses:n seed:n",
    valid: ["labels=[]"],
    extra: {
      "options.fraction=1.5": opt(1, { fraction: 1.5 }),
      "options.fraction=-0.1": opt(1, { fraction: -0.1 }),
      "options.fraction missing": set(1, { seed: 1 }),
      "options.seed=1.5": opt(1, { seed: 1.5 }),
      "options.numClasses=2 (labels up to 2)": opt(1, { numClasses: 2 }),
      "options.numClasses=1": opt(1, { numClasses: 1 }),
      "labels has -1": set(0, [0, 1, 2, 0, 1, -1]),
      "labels has 1.5": set(0, [0, 1, 2, 0, 1, 1.5]),
    },
  },
  {
    folder: "analysis",
    name: "forgettingEvents",
    p: "tracker",
    args: () => [tracker()],
    extra: {
      "tracker is regression": (a) => set(0, tracker("regression"))(a),
      "tracker has no epoch": (a) => set(0, tracker("multiclass", 0))(a),
      "tracker=42": set(0, 42),
    },
  },
  {
    folder: "analysis",
    name: "lossSummary",
    p: "losses options",
    args: () => [[1, 2, 3, 10], { quantiles: [0.5], topFractions: [0.5] }],
    opt: 1,
    keys: "quantiles:a topFractions:a",
    extra: {
      "options.quantiles=[1.5]": opt(1, { quantiles: [1.5] }),
      "options.topFractions=[0]": opt(1, { topFractions: [0] }),
      "options.topFractions=[-0.1]": opt(1, { topFractions: [-0.1] }),
    },
  },
  {
    folder: "analysis",
    name: "perClassRecall",
    p: "labels scores",
    args: () => [[0, 0, 1], [[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]]],
    match: [0, 1],
    extra: {
      "labels has 2 (2 classes)": set(0, [0, 0, 2]),
      "labels has -1": set(0, [0, -1, 1]),
      "labels has 0.5": set(0, [0, 0.5, 1]),
    },
  },
  {
    folder: "analysis",
    name: "precisionAtK",
    p: "scores isNoisy k",
    args: () => [[0.1, 0.9, 0.2, 0.8], [0, 1, 0, 0], 2],
    match: [0, 1],
    extra: {
      "k=0": set(2, 0),
      "k=5 (4 samples)": set(2, 5),
      "k=1.5": set(2, 1.5),
      "isNoisy has 2": set(1, [0, 2, 0, 0]),
    },
  },
  {
    folder: "analysis",
    name: "rocAuc",
    p: "scores isNoisy",
    args: () => [[0.8, 0.4, 0.5, 0.1], [1, 1, 0, 0]],
    match: [0, 1],
    extra: {
      "no noisy sample": set(1, [0, 0, 0, 0]),
      "no clean sample": set(1, [1, 1, 1, 1]),
      "isNoisy has 2": set(1, [1, 2, 0, 0]),
    },
  },
  {
    folder: "analysis",
    name: "scoreDetector",
    p: "scores flipped options",
    args: () => [[3.2, 0.1, 0.2, 2.9], [1, 0, 0, 1], {}],
    match: [0, 1],
    opt: 2,
    keys: "k:n",
    extra: { "options.k=0": opt(2, { k: 0 }), "options.k=9 (4 samples)": opt(2, { k: 9 }) },
  },
  { folder: "analysis", name: "spread", p: "values", args: () => [[4, 1, 3, 2, 5]] },
  {
    folder: "analysis",
    name: "streamingEvaluate",
    p: "model batches options",
    args: () => [(x: tf.Tensor) => x, [[[[0], [1]], [[0], [2]]], [[[2]], [[3]]]], {
      loss: mse,
      topK: 1,
    }],
    opt: 2,
    keys: "topK:n keepLosses:b",
    valid: ["batches=[]"],
    extra: {
      "options.topK=-1": opt(2, { topK: -1 }),
      "options.topK=1.5": opt(2, { topK: 1.5 }),
      "options.loss missing": set(2, { topK: 1 }),
      "a batch's x and y differ in rows": set(1, [[[[0], [1]], [[0]]]]),
      "batches=42": set(1, 42),
      "model=42": set(0, 42),
    },
  },
  {
    folder: "analysis",
    name: "topLosses",
    p: "losses k options",
    args: () => [[0.1, 2.5, 0.3, 1.2], 2, { items: ["a", "b", "c", "d"] }],
    opt: 2,
    keys: "items:o smallest:b",
    extra: {
      "k=0": set(1, 0),
      "k=-1": set(1, -1),
      "k=1.5": set(1, 1.5),
      'options.items=["a"] (4 losses)': opt(2, { items: ["a"] }),
    },
  },
  // ---------------------------------------------------------------- structured
  {
    folder: "structured",
    name: "checkEdges",
    p: "fn numNodes edges",
    args: () => ["demo", 3, [[0, 1], [1, 2]]],
    prefix: ["demo"],
    valid: ["edges=[]"],
    extra: {
      "numNodes=-1": set(1, -1),
      "numNodes=1.5": set(1, 1.5),
      "edges has node 3 (3 nodes)": set(2, [[0, 3]]),
      "edges has a 1-element edge": set(2, [[0, 1], [1]]),
      "edges has 0.5": set(2, [[0, 0.5]]),
    },
  },
  {
    folder: "structured",
    name: "neighbourLists",
    p: "numNodes edges",
    args: () => [3, [[0, 1], [1, 0], [1, 2]]],
    valid: ["edges=[]"],
    extra: {
      "numNodes=-1": set(0, -1),
      "numNodes=1.5": set(0, 1.5),
      "edges has node 5": set(1, [[0, 5]]),
    },
  },
  {
    folder: "structured",
    name: "normalizedAdjacency",
    p: "numNodes edges options",
    args: () => [3, [[0, 1], [1, 2]], {}],
    opt: 2,
    keys: "selfLoops:b",
    valid: ["edges=[]"],
    extra: {
      "numNodes=0": set(0, 0),
      "numNodes=-1": set(0, -1),
      "numNodes=1.5": set(0, 1.5),
      "edges has node 3 (3 nodes)": set(1, [[0, 3]]),
    },
  },
  {
    folder: "structured",
    name: "forceLayout",
    p: "numNodes edges options",
    args: () => [4, [[0, 1], [1, 2], [2, 3]], { seed: 1, iterations: 20 }],
    opt: 2,
    keys: "seed:n iterations:n",
    valid: ["edges=[]"],
    extra: {
      "numNodes=-1": set(0, -1),
      "numNodes=1.5": set(0, 1.5),
      "edges has node 9": set(1, [[0, 9]]),
      "options.iterations=-1": opt(2, { iterations: -1 }),
      "options.iterations=1.5": opt(2, { iterations: 1.5 }),
      "options.seed=1.5": opt(2, { seed: 1.5 }),
    },
  },
  {
    folder: "structured",
    name: "graphViewData",
    p: "input",
    args: () => [{
      layout: { x: [0, 1, 2], y: [0, 0, 1] },
      edges: [[0, 1], [1, 2]],
      loss: [0.1, 2, 0.5],
      split: ["train", "test", "validation"],
      labels: [0, 1, 1],
    }],
    extra: {
      "input.loss one short": opt(0, { loss: [0.1, 2] }),
      "input.loss has NaN": opt(0, { loss: [0.1, NaN, 0.5] }),
      "input.layout.x has NaN": opt(0, { layout: { x: [0, NaN, 2], y: [0, 0, 1] } }),
      "input.edges has node 5": opt(0, { edges: [[0, 5]] }),
      'input.split has "x"': opt(0, { split: ["train", "x", "test"] }),
      "input.labels one short": opt(0, { labels: [0, 1] }),
      "input.names one short": opt(0, { names: ["a"] }),
      "input=42": set(0, 42),
    },
  },
  {
    folder: "structured",
    name: "maskedNodeLoss",
    p: "perNode mask",
    args: () => [[1, 5, 3], [1, 0, 1]],
    match: [0, 1],
    extra: {
      "mask all 0": set(1, [0, 0, 0]),
      "mask has 2": set(1, [1, 2, 1]),
      "mask has -1": set(1, [1, -1, 1]),
    },
  },
  {
    folder: "structured",
    name: "createGcn",
    p: "options",
    args: () => [{ inputDim: 3, numClasses: 2, seed: 1 }],
    opt: 0,
    keys: "inputDim:n numClasses:n hiddenUnits:n seed:n",
    extra: {
      "options.inputDim=0": opt(0, { inputDim: 0 }),
      "options.inputDim=1.5": opt(0, { inputDim: 1.5 }),
      "options.numClasses=0": opt(0, { numClasses: 0 }),
      "options.hiddenUnits=-1": opt(0, { hiddenUnits: -1 }),
      "options.seed=1.5": opt(0, { seed: 1.5 }),
      "options.inputDim missing": set(0, { numClasses: 2 }),
    },
  },
  ...["gcnNodeLosses", "gcnPredictions"].map((name): Spec => ({
    folder: "structured",
    name,
    p: "model graph",
    args: () => [
      fn("createGcn")({ inputDim: 3, numClasses: 2, seed: 1 }),
      gcnGraph(3, [[0, 1], [1, 2]], [0, 1, 1]),
    ],
    extra: {
      "graph.labels has 5 (2 classes)": (
        a,
      ) => [a[0], { ...(a[1] as object), labels: tf.tensor1d([0, 5, 1]) }],
      "graph.labels has -1": (
        a,
      ) => [a[0], { ...(a[1] as object), labels: tf.tensor1d([0, -1, 1]) }],
      "graph.labels one short": (a) => [a[0], { ...(a[1] as object), labels: tf.tensor1d([0, 1]) }],
      "graph.features has 4 columns (inputDim 3)": (
        a,
      ) => [a[0], { ...(a[1] as object), features: tf.ones([3, 4]) }],
      "graph.adjacency is 2×2 (3 nodes)": (
        a,
      ) => [a[0], { ...(a[1] as object), adjacency: tf.eye(2) }],
      "graph.labels missing": (a) => [a[0], { ...(a[1] as object), labels: undefined }],
      "model=42": set(0, 42),
    },
  })),
  {
    folder: "structured",
    name: "trainGcn",
    p: "model graph options",
    args: () => [
      fn("createGcn")({ inputDim: 4, numClasses: 2, seed: 3 }),
      gcnGraph(4, [[0, 1], [2, 3]], [0, 0, 1, 1]),
      { trainMask: [1, 0, 1, 0], epochs: 2, learningRate: 0.05 },
    ],
    opt: 2,
    keys: "trainMask:a validationMask:a epochs:n learningRate:n",
    extra: {
      "options.trainMask one short": opt(2, { trainMask: [1, 0, 1] }),
      "options.trainMask all 0": opt(2, { trainMask: [0, 0, 0, 0] }),
      "options.trainMask has 2": opt(2, { trainMask: [1, 0, 2, 0] }),
      "options.validationMask one short": opt(2, { validationMask: [0, 1, 0] }),
      "options.epochs=0": opt(2, { epochs: 0 }),
      "options.epochs=-1": opt(2, { epochs: -1 }),
      "options.learningRate=-1": opt(2, { learningRate: -1 }),
      "options.trainMask missing": opt(2, { trainMask: undefined }),
    },
  },
  {
    folder: "structured",
    name: "createSequenceModel",
    p: "options",
    args: () => [{ units: 2, seed: 1 }],
    opt: 0,
    keys: "units:n seed:n",
    extra: {
      "options.units=0": opt(0, { units: 0 }),
      "options.units=1.5": opt(0, { units: 1.5 }),
      "options.seed=1.5": opt(0, { seed: 1.5 }),
    },
  },
  ...["perTimestepLosses", "sequenceTokenLoss"].map((name): Spec => ({
    folder: "structured",
    name,
    p: "model x y",
    args: () => [seqModel(), tf.zeros([3, 4, 1]), tf.ones([3, 4, 1])],
    call: name === "sequenceTokenLoss"
      ? (f, a) => (f(...a.slice(0, 3)) as Fn)(a[3] ?? 0, a[4] ?? 2)
      : undefined,
    extra: {
      "y is [3, 5, 1] (x [3, 4, 1])": (a) => [a[0], a[1], tf.ones([3, 5, 1]), ...a.slice(3)],
      "x is [3, 4] (rank 2)": (a) => [a[0], tf.zeros([3, 4]), a[2], ...a.slice(3)],
      "x has NaN": (a) => [a[0], tf.fill([3, 4, 1], NaN), a[2], ...a.slice(3)],
      "x is a plain array": (a) => [a[0], [[[0]]], a[2], ...a.slice(3)],
      "model=42": set(0, 42),
      ...(name === "sequenceTokenLoss"
        ? {
          "rows (2, 1): start > end": withArgs(2, 1),
          "rows (0, 9): end > batch": withArgs(0, 9),
          "rows (-1, 2)": withArgs(-1, 2),
        }
        : {}),
    },
  })),
  {
    folder: "structured",
    name: "trainSequenceModel",
    p: "model x y options",
    args: () => [seqModel(), tf.ones([2, 3, 1]), tf.fill([2, 3, 1], 0.5), {
      lengths: [3, 1],
      epochs: 2,
      learningRate: 0.05,
    }],
    opt: 3,
    keys: `${maskKeys} normalization:e epochs:n learningRate:n`,
    extra: {
      "options.lengths=[5, 1] (> time)": opt(3, { lengths: [5, 1] }),
      "options.lengths=[3] (2 rows)": opt(3, { lengths: [3] }),
      "options.epochs=0": opt(3, { epochs: 0 }),
      "options.epochs=1.5": opt(3, { epochs: 1.5 }),
      "options.learningRate=-1": opt(3, { learningRate: -1 }),
      "y is [2, 4, 1] (x [2, 3, 1])": (a) => [a[0], a[1], tf.ones([2, 4, 1]), a[3]],
    },
  },
  {
    folder: "structured",
    name: "trainableVariables",
    p: "model",
    args: () => [seqModel()],
    extra: { "model=42": set(0, 42), "model={}": set(0, {}) },
  },
  // ---------------------------------------------------------------- datasets
  {
    folder: "datasets",
    name: "fitStandardizer",
    p: "matrix rows",
    args: () => [[[1, 10], [3, 10], [100, 0]], [0, 1]],
    extra: {
      "rows has 5 (3 rows)": set(1, [0, 5]),
      "rows has -1": set(1, [0, -1]),
      "rows has 0.5": set(1, [0, 0.5]),
      "matrix is ragged": set(0, [[1, 10], [3], [100, 0]]),
    },
  },
  {
    folder: "datasets",
    name: "standardize",
    p: "matrix standardizer rows",
    args: () => [[[1, 5], [3, 5]], { mean: [2, 5], std: [1, 1] }, [0, 1]],
    valid: ["rows=[]"],
    extra: {
      "standardizer.std has 0": set(1, { mean: [2, 5], std: [0, 1] }),
      "standardizer.std has -1": set(1, { mean: [2, 5], std: [-1, 1] }),
      "standardizer.mean one short": set(1, { mean: [2], std: [1, 1] }),
      "standardizer.mean has NaN": set(1, { mean: [NaN, 5], std: [1, 1] }),
      "matrix has 3 columns": set(0, [[1, 5, 0], [3, 5, 0]]),
      "rows has 2 (2 rows)": set(2, [0, 2]),
    },
  },
  {
    folder: "datasets",
    name: "splitIndices",
    p: "n options",
    args: () => [10, { validationSplit: 0.3, seed: 1 }],
    opt: 1,
    keys: "validationSplit:n seed:n stratify:a",
    extra: {
      "n=-1": set(0, -1),
      "n=1.5": set(0, 1.5),
      "options.validationSplit=1.5": opt(1, { validationSplit: 1.5 }),
      "options.seed=1.5": opt(1, { seed: 1.5 }),
      "options.stratify one short": opt(1, { stratify: [0, 1, 0, 1, 0, 1, 0, 1, 0] }),
    },
  },
  { folder: "datasets", name: "loadAnscombe", p: "", args: () => [] },
  loader("loadCars"),
  loader("loadPenguins"),
  loader("loadSeattleWeather"),
  {
    folder: "datasets",
    name: "loadMiserables",
    p: "options",
    args: () => [{ seed: 0 }],
    opt: 0,
    keys: "seed:n testSplit:n validationSplit:n",
    noArrays: true,
    extra: {
      "options.testSplit=1.5": opt(0, { testSplit: 1.5 }),
      // validationSplit is a share of what the test split leaves, so only shares that leave no
      // training node are invalid.
      "options.testSplit, validationSplit leave no training node": opt(0, {
        testSplit: 0.99,
        validationSplit: 0.99,
      }),
      "options.seed=1.5": opt(0, { seed: 1.5 }),
    },
  },
  {
    folder: "datasets",
    name: "loadStocks",
    p: "options",
    args: () => [{}],
    opt: 0,
    keys: "validationMonths:n",
    noArrays: true,
    extra: {
      "options.validationMonths=-1": opt(0, { validationMonths: -1 }),
      "options.validationMonths=1000": opt(0, { validationMonths: 1000 }),
      "options.validationMonths=1.5": opt(0, { validationMonths: 1.5 }),
    },
  },
  {
    folder: "datasets",
    name: "miserablesFromJson",
    p: "data options",
    args: () => [miserablesJson(), { testSplit: 0, validationSplit: 0 }],
    opt: 1,
    keys: "seed:n testSplit:n validationSplit:n",
    extra: {
      "data=42": set(0, 42),
      "data.links target 5 (3 nodes)": set(0, {
        ...miserablesJson(),
        links: [{ source: 0, target: 5, value: 1 }],
      }),
      "data.links value NaN": set(0, {
        ...miserablesJson(),
        links: [{ source: 0, target: 1, value: NaN }],
      }),
      "data.nodes group -1": set(0, {
        ...miserablesJson(),
        nodes: [{ name: "a", group: -1 }, { name: "b", group: 0 }, { name: "c", group: 0 }],
      }),
      "data.nodes missing": set(0, { links: [] }),
      "options.testSplit=1.5": opt(1, { testSplit: 1.5 }),
    },
  },
  {
    folder: "datasets",
    name: "stocksFromRows",
    p: "csvRows options",
    args: () => [stockRows(), { validationMonths: 1 }],
    opt: 1,
    keys: "validationMonths:n",
    extra: {
      'a price is "abc"': set(0, stockRows().map((r, i) => (i === 1 ? { ...r, price: "abc" } : r))),
      'a date is "not a date"': set(
        0,
        stockRows().map((r, i) => (i === 1 ? { ...r, date: "not a date" } : r)),
      ),
      "csvRows=[]": set(0, []),
      "options.validationMonths=5 (4 months)": opt(1, { validationMonths: 5 }),
      "options.validationMonths=-1": opt(1, { validationMonths: -1 }),
    },
  },
  // ---------------------------------------------------------------- charts
  {
    folder: "charts",
    name: "cartographyChart",
    p: "data options",
    args: () => [{
      confidence: [0.9, 0.5, 0.1],
      variability: [0.05, 0.4, 0.05],
      correctness: [1, 0.5, 0],
    }, {}],
    opt: 1,
    keys: "ids:o title:s width:n height:n",
    extra: {
      ...chartSizeH,
      "data.confidence has NaN": opt(0, { confidence: [0.9, NaN, 0.1] }),
      "data.variability one short": opt(0, { variability: [0.05, 0.4] }),
      "data.confidence has 1.5": opt(0, { confidence: [0.9, 1.5, 0.1] }),
      "data.correctness missing": opt(0, { correctness: undefined }),
      "options.ids one short": opt(1, { ids: ["a", "b"] }),
    },
  },
  {
    folder: "charts",
    name: "classShareChart",
    p: "labels losses options",
    args: () => [[0, 0, 0, 1], [1, 1, 1, 3], { classNames: ["cat", "dog"] }],
    match: [0, 1],
    opt: 2,
    keys: "weights:a gradients:a classNames:o title:s width:n",
    extra: {
      "options.width=0": opt(2, { width: 0 }),
      "labels has -1": set(0, [0, 0, -1, 1]),
      "labels has 1.5": set(0, [0, 0, 1.5, 1]),
      'options.classNames=["cat"] (2 classes)': opt(2, { classNames: ["cat"] }),
      "options.weights one short": opt(2, { weights: [1, 1, 1] }),
      "options.weights has -1": opt(2, { weights: [1, 1, -1, 1] }),
    },
  },
  {
    folder: "charts",
    name: "graphChart",
    p: "graph options",
    args: () => [{
      x: [0, 1, 0.5],
      y: [0, 0, 1],
      loss: [0.2, 0.4, 1.2],
      split: ["train", "train", "test"],
      edges: [[0, 1], [1, 2]],
    }, {}],
    opt: 1,
    keys: "ids:o title:s lossName:s width:n height:n",
    extra: {
      ...chartSizeH,
      "graph.x has NaN": opt(0, { x: [0, NaN, 0.5] }),
      "graph.loss one short": opt(0, { loss: [0.2, 0.4] }),
      "graph.edges has node 9": opt(0, { edges: [[0, 9]] }),
      'graph.split has "x"': opt(0, { split: ["train", "x", "test"] }),
    },
  },
  {
    folder: "charts",
    name: "lossComparisonChart",
    p: "series options",
    args: () => [{ MSE: [0, 1, 16], Huber: [0, 0.5, 3.5] }, {}],
    opt: 1,
    keys: "layout:e order:e sharedScale:b ids:o title:s lossName:s width:n height:n",
    extra: {
      ...chartSizeH,
      "series lengths differ": set(0, { MSE: [0, 1, 16], Huber: [0, 0.5] }),
      "series={}": set(0, {}),
      "series has NaN": set(0, { MSE: [0, NaN, 16], Huber: [0, 0.5, 3.5] }),
      "series has []": set(0, { MSE: [], Huber: [] }),
    },
  },
  {
    folder: "charts",
    name: "lossDistributionChart",
    p: "losses options",
    args: () => [[0, 1, 1, 2, 6], { bins: 3 }],
    opt: 1,
    keys: "bins:n quantiles:a topPercent:n lossName:s title:s width:n height:n",
    extra: {
      ...chartSizeH,
      "options.bins=0": opt(1, { bins: 0 }),
      "options.bins=1.5": opt(1, { bins: 1.5 }),
      "options.topPercent=150": opt(1, { topPercent: 150 }),
      "options.quantiles=[1.5]": opt(1, { quantiles: [1.5] }),
    },
  },
  {
    folder: "charts",
    name: "perSampleChart",
    p: "losses options",
    args: () => [[0.1, 0.2, 0.3, 3.4], {}],
    opt: 1,
    keys: "order:e ids:o tooltip:o title:s lossName:s width:n height:n",
    extra: {
      ...chartSizeH,
      "options.ids one short": opt(1, { ids: ["a", "b", "c"] }),
      "options.tooltip column one short": opt(1, { tooltip: { label: [1, 2] } }),
    },
  },
  {
    folder: "charts",
    name: "sequenceHeatmapChart",
    p: "losses options",
    args: () => [[[3, 0, 0], [1, 2, 5]], { lengths: [1, 3] }],
    opt: 1,
    keys: "mask:a lengths:a ids:o title:s lossName:s width:n",
    extra: {
      ...chartSize,
      "options.lengths=[5, 1] (> time)": opt(1, { lengths: [5, 1] }),
      "options.lengths=[2] (2 rows)": opt(1, { lengths: [2] }),
      "losses is ragged": set(0, [[1, 2, 0], [3, 0]]),
      "options.mask has 2": opt(1, { lengths: undefined, mask: [[1, 2, 0], [1, 0, 0]] }),
    },
  },
  {
    folder: "charts",
    name: "trainingDynamicsChart",
    p: "losses options",
    args: () => [[[2, 4], [1, 3], [0, 3]], { topK: 1 }],
    opt: 1,
    keys: "epochs:n samples:n topK:n rankBy:e ids:o title:s lossName:s width:n height:n",
    extra: {
      ...chartSizeH,
      "options.topK=-1": opt(1, { topK: -1 }),
      "options.topK=1.5": opt(1, { topK: 1.5 }),
      "options.epochs=5 (3 rows)": opt(1, { epochs: 5 }),
      "losses is ragged": set(0, [[2, 4], [1], [0, 3]]),
    },
  },
  {
    folder: "charts",
    name: "Chart",
    p: "spec options",
    args: () => [smallSpec(), { summary: "one point" }],
    call: ctorCall,
    opt: 1,
    keys: "summary:s",
    extra: {
      "options.summary missing": set(1, {}),
      "options.summary=42": set(1, { summary: 42 }),
      "spec=42": set(0, 42),
    },
  },
  {
    folder: "charts",
    name: "compileSpec",
    p: "spec",
    args: () => [smallSpec()],
    extra: {
      "spec=42": set(0, 42),
      "spec has mark nope": set(0, { ...smallSpec(), mark: "nope" }),
    },
  },
  {
    folder: "charts",
    name: "renderSVG",
    p: "spec",
    args: () => [smallSpec()],
    extra: {
      "spec=42": set(0, 42),
      "spec has mark nope": set(0, { ...smallSpec(), mark: "nope" }),
    },
  },
  {
    folder: "charts",
    name: "rasterizeSVG",
    p: "svg options",
    args: () => ['<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>', { scale: 1 }],
    opt: 1,
    keys: "scale:n",
    extra: {
      "options.scale=0": opt(1, { scale: 0 }),
      "options.scale=-1": opt(1, { scale: -1 }),
      'svg="not svg"': set(0, "not svg"),
      "svg=42": set(0, 42),
    },
  },
  // ---------------------------------------------------------------- runtime
  {
    folder: "runtime",
    name: "seededRandom",
    p: "seed",
    args: () => [7],
    extra: { "seed=1.5": set(0, 1.5), "seed=NaN": set(0, NaN), 'seed="x"': set(0, "x") },
  },
  {
    folder: "runtime",
    name: "setupBackend",
    p: "options",
    args: () => [{ backend: "cpu", seed: 0 }],
    opt: 0,
    keys: "backend:e seed:n",
    extra: { "options.seed=1.5": opt(0, { seed: 1.5 }) },
    after: () => fn("setupBackend")({ backend: "cpu", seed: 0 }) as Promise<unknown>,
  },
  {
    folder: "runtime",
    name: "Progress",
    p: "options",
    args: () => [{ total: 3, quiet: true }],
    call: ctorCall,
    opt: 0,
    keys: "total:n label:s quiet:b mode:e",
    extra: {
      "options.total=-1": opt(0, { total: -1 }),
      "options.total=1.5": opt(0, { total: 1.5 }),
      "options.total missing": set(0, { quiet: true }),
    },
  },
  {
    folder: "runtime",
    name: "Progress.update",
    p: "done status",
    args: () => [1, "ok"],
    call: (C, a) => (construct(C, [{ total: 3, quiet: true }]) as { update: Fn }).update(...a),
    extra: {
      "done=-1": set(0, -1),
      "done=4 (total 3)": set(0, 4),
      "done=NaN": set(0, NaN),
      "done=1.5": set(0, 1.5),
    },
  },
  {
    folder: "runtime",
    name: "display",
    p: "obj options",
    args: () => [{ "text/plain": "x" }, { raw: true }],
    opt: 1,
    keys: "raw:b update:b display_id:s",
  },
  {
    folder: "runtime",
    name: "displayVia",
    p: "api obj options",
    args: () => [{ display: () => Promise.resolve() }, { "text/plain": "x" }, {}],
    opt: 2,
    keys: "raw:b update:b display_id:s",
    extra: { "api=42": set(0, 42), "api={}": set(0, {}) },
  },
  { folder: "runtime", name: "show", p: "values", args: () => ["text", 1] },
  { folder: "runtime", name: "inJupyter", p: "", args: () => [] },
  { folder: "runtime", name: "settleOutput", p: "", args: () => [] },
];

// ---------------------------------------------------------------- main

const FOLDERS = ["losses", "training", "analysis", "structured", "datasets", "charts", "runtime"];

async function main(): Promise<void> {
  const jsonAt = Deno.args.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? Deno.args[jsonAt + 1] : undefined;
  const t0 = performance.now();
  await load();
  mute(true);
  try {
    if (typeof L.setupBackend === "function") await fn("setupBackend")({ backend: "cpu", seed: 0 });
    else await tf.setBackend("cpu");
  } finally {
    mute(false);
  }
  const results: Result[] = [];
  const absent: string[] = [];
  const broken: string[] = [];
  const tested = new Map<string, number>();
  const specNames = new Set(SPECS.map((s) => s.exp ?? s.name.split(".")[0]));
  const untested = Object.keys(L).filter((k) => typeof L[k] === "function" && !specNames.has(k));
  for (const spec of SPECS) {
    const exp = spec.exp ?? spec.name.split(".")[0];
    if (unloaded.has(spec.folder)) continue;
    if (typeof L[exp] !== "function") {
      absent.push(`${spec.folder}/${spec.name}`);
      continue;
    }
    const f = L[exp] as Fn;
    const template = await runCall(spec, f, (a) => a);
    if (template.setup || template.outcome !== "silent-wrong") {
      broken.push(
        `${spec.folder}/${spec.name}: ${(template.setup ?? template.message).slice(0, 120)}`,
      );
      continue;
    }
    tested.set(spec.folder, (tested.get(spec.folder) ?? 0) + 1);
    let sample: Args;
    tf.engine().startScope();
    try {
      sample = spec.args();
    } finally {
      tf.engine().endScope();
    }
    for (const [mutation, make] of mutations(spec, sample)) {
      const r = await runCall(spec, f, make);
      if (r.setup) {
        broken.push(`${spec.folder}/${spec.name} [${mutation}]: could not build: ${r.setup}`);
        continue;
      }
      results.push({ folder: spec.folder, name: spec.name, mutation, ...r });
    }
    disposeDeep(sample);
  }
  const seconds = (performance.now() - t0) / 1000;

  const row = (cells: (string | number)[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(11) : String(c).padStart(8))).join(" ");
  console.log(row(["folder", "functions", "calls", "clear", "obscure", "silent", "leak"]));
  const total = [0, 0, 0, 0, 0, 0];
  for (const folder of FOLDERS) {
    const rs = results.filter((r) => r.folder === folder);
    const cells = [
      tested.get(folder) ?? 0,
      rs.length,
      rs.filter((r) => r.outcome === "clear").length,
      rs.filter((r) => r.outcome === "obscure").length,
      rs.filter((r) => r.outcome === "silent-wrong").length,
      rs.filter((r) => r.leak).length,
    ];
    cells.forEach((c, i) => (total[i] += c));
    console.log(row([folder, ...cells]));
  }
  console.log(row(["total", ...total]));
  console.log(
    `\nrun time ${seconds.toFixed(1)} s; tfjs tensors alive at the end: ${tf.memory().numTensors}`,
  );
  for (const [folder, e] of unloaded) console.log(`folder ${folder} NOT LOADED: ${e}`);
  if (absent.length) console.log(`absent (${absent.length}): ${absent.join(", ")}`);
  if (untested.length) console.log(`exported functions without a template: ${untested.join(", ")}`);
  for (const b of broken) console.log(`template failed: ${b}`);
  const bad = results.filter((r) => r.outcome !== "clear" || r.leak);
  console.log(`\nnon-clear outcomes and leaks (${bad.length}):`);
  for (const r of bad) {
    const tag = r.outcome === "clear" ? "leak" : r.outcome + (r.leak ? "+leak" : "");
    const msg = r.message.replaceAll("\n", " ").slice(0, 120);
    console.log(`  ${r.folder}/${r.name}  [${r.mutation}]  ${tag}${msg ? ": " + msg : ""}`);
  }
  const left = results.filter((r) => r.left > 0 && !r.leak);
  if (left.length) {
    console.log(`\ntensors still alive after a call that did not count as a leak:`);
    for (const r of left) console.log(`  ${r.name} [${r.mutation}] ${r.outcome}: +${r.left}`);
  }
  const slow = results.filter((r) => r.ms > 2000);
  for (const r of slow) {
    console.log(`slow call: ${r.name} [${r.mutation}] ${(r.ms / 1000).toFixed(1)} s`);
  }
  if (jsonFile) {
    await Deno.writeTextFile(
      jsonFile,
      JSON.stringify({ seconds, absent, broken, untested, results }, null, 1),
    );
  }
}

if (import.meta.main) await main();
