/**
 * Real data sets from the files the `vega-datasets` npm package ships (read from disk, never its
 * JavaScript API, which downloads): cars (regression), anscombe (four sets, one fit), penguins
 * (3 classes) and seattle-weather (5 very imbalanced classes); plus the seeded split and the
 * train-only standardisation they share, which other loaders may import.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../_core/random.ts";
import {
  assertAllFinite,
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertNumberIn,
  assertPositiveInteger,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";
import { readCsvData, readJsonData } from "./_files.ts";
import type { Tensor } from "../_core/tensor_input.ts";

/** One raw row of a data file, as read (numbers, strings, or `null` for a missing value). */
export type DataRow = Readonly<Record<string, string | number | boolean | null>>;

/** Options for {@linkcode splitIndices}. */
export interface SplitOptions {
  /** Fraction of rows held out for validation, in `[0, 1)`; default `0.2`. */
  validationSplit?: number;
  /** Seed of the shuffle that picks the validation rows; default `0`. */
  seed?: number;
  /**
   * Class label per row: when given, every class is split in the same proportion (stratified),
   * so rare classes appear in both splits.
   */
  stratify?: ArrayLike<number>;
}

/** Row indices of a train/validation split, each in ascending order. */
export interface Split {
  /** Indices of the training rows. */
  train: number[];
  /** Indices of the validation rows. */
  validation: number[];
}

function shuffleInPlace(a: number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/**
 * A seeded train/validation split of `n` rows: shuffles the indices with {@linkcode seededRandom}
 * and holds out `round(validationSplit · n)` of them (per class, when `stratify` is given). Same
 * seed, same split.
 *
 * @example
 * ```ts
 * import { splitIndices } from "./tabular.ts";
 * const { train, validation } = splitIndices(10, { validationSplit: 0.3, seed: 1 });
 * if (train.length !== 7 || validation.length !== 3) throw new Error("wrong sizes");
 * if (new Set([...train, ...validation]).size !== 10) throw new Error("rows lost");
 * ```
 */
export function splitIndices(n: number, options: SplitOptions = {}): Split {
  const fn = "splitIndices";
  assertPositiveInteger(fn, "n", n);
  assertKnownOptions(fn, options, ["validationSplit", "seed", "stratify"]);
  const fraction = options.validationSplit ?? 0.2;
  assertFraction(fn, "options.validationSplit", fraction, "max");
  const seed = options.seed ?? 0;
  assertSeed(fn, "options.seed", seed);
  const random = seededRandom(seed);
  const groups = new Map<number, number[]>();
  if (options.stratify !== undefined) {
    if (options.stratify === null || typeof options.stratify.length !== "number") {
      throw new TypeError(
        `${fn}: options.stratify is ${describeValue(options.stratify)}, expected one label per row`,
      );
    }
    assertAllFinite(fn, "options.stratify", options.stratify);
    if (options.stratify.length !== n) {
      throw new RangeError(
        `${fn}: stratify has ${options.stratify.length} labels, expected one per row (${n})`,
      );
    }
    for (let i = 0; i < n; i++) {
      const c = options.stratify[i];
      if (!groups.has(c)) groups.set(c, []);
      groups.get(c)!.push(i);
    }
  } else {
    groups.set(0, Array.from({ length: n }, (_, i) => i));
  }
  const train: number[] = [], validation: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const idx = groups.get(key)!;
    shuffleInPlace(idx, random);
    const nVal = Math.round(fraction * idx.length);
    // One push per index: push(...idx) overflows the stack for a class of ~120,000 rows.
    for (let j = 0; j < idx.length; j++) (j < nVal ? validation : train).push(idx[j]);
  }
  if (train.length === 0) {
    throw new RangeError(`${fn}: validationSplit ${fraction} leaves no training rows of ${n}`);
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train, validation };
}

/**
 * A matrix of finite numbers with rows of one width, and the rows to use (all by default), each an
 * index into it.
 */
function checkMatrix(
  fn: string,
  matrix: readonly (readonly number[])[],
  rows: readonly number[] | undefined,
): { use: readonly number[]; d: number } {
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new RangeError(`${fn}: matrix is ${describeValue(matrix)}, expected rows of numbers`);
  }
  const d = Array.isArray(matrix[0]) ? matrix[0].length : 0;
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d || d === 0) {
      throw new RangeError(
        `${fn}: matrix[${i}] is ${describeValue(row)}, expected ${d || "at least 1"} numbers ` +
          "like row 0",
      );
    }
    assertAllFinite(fn, `matrix[${i}]`, row);
  });
  const use = rows ?? matrix.map((_, i) => i);
  if (use.length === 0) throw new RangeError(`${fn}: rows is empty, expected row indices`);
  for (let r = 0; r < use.length; r++) {
    assertIntegerIn(fn, `rows[${r}]`, use[r], { min: 0, max: matrix.length, maxOpen: true });
  }
  return { use, d };
}

/** Per-feature mean and standard deviation, fitted by {@linkcode fitStandardizer}. */
export interface Standardizer {
  /** Mean of each feature over the rows it was fitted on. */
  mean: number[];
  /** Population standard deviation of each feature (1 where a feature is constant). */
  std: number[];
}

/**
 * Fits a standardiser (`(x − mean) / std`, population std as scikit-learn's `StandardScaler`)
 * on the given rows only, typically the training split, so validation rows never leak into it.
 *
 * @example
 * ```ts
 * import { fitStandardizer } from "./tabular.ts";
 * const s = fitStandardizer([[1, 10], [3, 10], [100, 0]], [0, 1]);
 * // rows 0 and 1 only: mean [2, 10], std [1, 1 (constant column)]
 * if (s.mean.join() !== "2,10" || s.std.join() !== "1,1") throw new Error(`got ${s.mean} ${s.std}`);
 * ```
 */
export function fitStandardizer(
  matrix: readonly (readonly number[])[],
  rows?: readonly number[],
): Standardizer {
  const fn = "fitStandardizer";
  const { use, d } = checkMatrix(fn, matrix, rows);
  const mean = new Array<number>(d).fill(0), std = new Array<number>(d).fill(0);
  for (const i of use) for (let j = 0; j < d; j++) mean[j] += matrix[i][j] / use.length;
  for (const i of use) for (let j = 0; j < d; j++) std[j] += (matrix[i][j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / use.length) || 1;
  return { mean, std };
}

/**
 * Applies a {@linkcode Standardizer} to the chosen rows, returning a `[rows, features]` tensor.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { standardize } from "./tabular.ts";
 * await setupBackend({ backend: "cpu" });
 * const x = standardize([[1, 5], [3, 5]], { mean: [2, 5], std: [1, 1] });
 * if (Array.from(x.dataSync()).join() !== "-1,0,1,0") throw new Error("unexpected");
 * x.dispose();
 * ```
 */
export function standardize(
  matrix: readonly (readonly number[])[],
  standardizer: Standardizer,
  rows?: readonly number[],
): Tensor {
  const fn = "standardize";
  const { use, d: width } = checkMatrix(fn, matrix, rows);
  const { mean, std } = standardizer ?? {};
  if (!Array.isArray(mean) || !Array.isArray(std)) {
    throw new TypeError(
      `${fn}: standardizer is ${
        describeValue(standardizer)
      }, expected { mean, std } from fitStandardizer`,
    );
  }
  if (mean.length !== width || std.length !== width) {
    throw new RangeError(
      `${fn}: standardizer has ${mean.length} means and ${std.length} stds, expected ${width} ` +
        "(one per column of matrix)",
    );
  }
  assertAllFinite(fn, "standardizer.mean", mean);
  std.forEach((s, j) =>
    assertNumberIn(fn, `standardizer.std[${j}]`, s, { min: 0, max: Infinity, minOpen: true })
  );
  const d = width;
  const flat = new Float32Array(use.length * d);
  use.forEach((i, r) => {
    for (let j = 0; j < d; j++) flat[r * d + j] = (matrix[i][j] - mean[j]) / std[j];
  });
  return tf.tensor2d(flat, [use.length, d]);
}

/** A data set split into training and validation tensors, with its raw rows. */
export interface TabularDataset {
  /** The file it came from, e.g. `"cars.json"`. */
  source: string;
  /** Feature column names, in the order of the tensors' columns. */
  featureNames: string[];
  /** Target column name. */
  targetName: string;
  /** Class names indexed by class id (classification only; sorted alphabetically). */
  classNames?: string[];
  /** Standardised training features, `[nTrain, features]`. */
  xTrain: Tensor;
  /** Training targets: `[nTrain, 1]` for regression, one-hot `[nTrain, classes]` for classes. */
  yTrain: Tensor;
  /** Standardised validation features (with the training split's mean and std). */
  xVal: Tensor;
  /** Validation targets, as `yTrain`. */
  yVal: Tensor;
  /** Class id of each training row (classification only). */
  labelsTrain?: Int32Array;
  /** Class id of each validation row (classification only). */
  labelsVal?: Int32Array;
  /** Raw training rows, row `i` matching row `i` of `xTrain` (for tooltips). */
  trainRows: DataRow[];
  /** Raw validation rows, matching `xVal`. */
  valRows: DataRow[];
  /** The split, as indices into the kept rows (`rows`). */
  split: Split;
  /** Every kept row (rows with missing values dropped), in file order. */
  rows: DataRow[];
  /** Number of rows in the file. */
  totalRows: number;
  /** Number of rows dropped because a used column was missing. */
  droppedRows: number;
  /** The standardisation, fitted on the training split only. */
  standardizer: Standardizer;
  /** What was done to the file, in a sentence or two. */
  preprocessing: string;
  /** Frees the four tensors. */
  dispose(): void;
}

/** Options shared by the tabular loaders. */
export interface LoadOptions {
  /** Feature columns to use; each loader documents its default. */
  features?: string[];
  /** Fraction of kept rows held out for validation; default `0.2`. */
  validationSplit?: number;
  /** Seed of the split; default `0`. */
  seed?: number;
}

interface TabularSpec {
  source: string;
  rows: DataRow[];
  features: string[];
  target: string;
  classification: boolean;
  options: LoadOptions;
  fn: string;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === "" || v === "NA" || v === "." ||
    (typeof v === "number" && !Number.isFinite(v));
}

function buildTabular(spec: TabularSpec): TabularDataset {
  const { source, rows: all, features, target, classification, options, fn } = spec;
  assertKnownOptions(fn, options, ["features", "validationSplit", "seed"]);
  if (!Array.isArray(features) || features.some((f) => typeof f !== "string")) {
    throw new TypeError(
      `${fn}: options.features is ${describeValue(features)}, expected an array of column names`,
    );
  }
  assertFraction(fn, "options.validationSplit", options.validationSplit ?? 0.2, "max");
  assertSeed(fn, "options.seed", options.seed ?? 0);
  if (!Array.isArray(all) || all.length === 0 || typeof all[0] !== "object") {
    throw new SyntaxError(`${fn}: ${source} holds no rows of records`);
  }
  if (features.length === 0) {
    throw new RangeError(`${fn}: options.features is [], expected at least one column name`);
  }
  const columns = Object.keys(all[0]).map((k) => `"${k}"`).join(", ");
  features.forEach((name, i) => {
    if (!(name in all[0])) {
      throw new RangeError(
        `${fn}: options.features[${i}] is "${name}", expected a column of ${source}: ${columns}`,
      );
    }
  });
  if (!(target in all[0])) {
    throw new SyntaxError(`${fn}: ${source} has no column "${target}"; columns: ${columns}`);
  }
  const rows = all.filter((r) => ![...features, target].some((c) => isMissing(r[c])));
  const matrix = rows.map((r, i) =>
    features.map((c) => {
      const v = Number(r[c]);
      if (!Number.isFinite(v)) {
        throw new SyntaxError(`${fn}: ${source} row ${i} column "${c}" is ${r[c]}, not a number`);
      }
      return v;
    })
  );
  let classNames: string[] | undefined;
  let labels: Int32Array | undefined;
  if (classification) {
    classNames = [...new Set(rows.map((r) => String(r[target])))].sort();
    labels = Int32Array.from(rows, (r) => classNames!.indexOf(String(r[target])));
  }
  const split = splitIndices(rows.length, {
    validationSplit: options.validationSplit,
    seed: options.seed,
    stratify: labels,
  });
  const standardizer = fitStandardizer(matrix, split.train);
  const targets = (idx: number[]): Tensor =>
    classification
      ? tf.tidy(() =>
        tf.oneHot(tf.tensor1d(idx.map((i) => labels![i]), "int32"), classNames!.length)
          .toFloat()
      )
      : tf.tensor2d(idx.map((i) => Number(rows[i][target])), [idx.length, 1]);
  const dropped = all.length - rows.length;
  const splitText = `${split.train.length} training / ${split.validation.length} validation rows` +
    ` (seed ${options.seed ?? 0}${classification ? ", stratified by class" : ""})`;
  const data: TabularDataset = {
    source,
    featureNames: features,
    targetName: target,
    classNames,
    xTrain: standardize(matrix, standardizer, split.train),
    yTrain: targets(split.train),
    // validationSplit 0 leaves no validation row: an empty [0, features] tensor, not an error.
    xVal: split.validation.length === 0
      ? tf.zeros([0, features.length])
      : standardize(matrix, standardizer, split.validation),
    yVal: targets(split.validation),
    labelsTrain: labels && Int32Array.from(split.train, (i) => labels![i]),
    labelsVal: labels && Int32Array.from(split.validation, (i) => labels![i]),
    trainRows: split.train.map((i) => rows[i]),
    valRows: split.validation.map((i) => rows[i]),
    split,
    rows,
    totalRows: all.length,
    droppedRows: dropped,
    standardizer,
    preprocessing: `${source}: ${dropped} of ${all.length} rows dropped for a missing ` +
      `${[...features, target].join(" / ")}; ${splitText}; features standardised with the ` +
      `training split's mean and std only.`,
    dispose(): void {
      tf.dispose([data.xTrain, data.yTrain, data.xVal, data.yVal]);
    },
  };
  return data;
}

const CARS_FEATURES = ["Horsepower", "Weight_in_lbs", "Acceleration", "Displacement"];

/**
 * Cars (`cars.json`, 406 cars from 1970–82): regress `Miles_per_Gallon` on numeric features
 * (default `Horsepower`, `Weight_in_lbs`, `Acceleration`, `Displacement`; `Cylinders` is also
 * numeric).
 *
 * Preprocessing: rows missing the target or a used feature are dropped (with the defaults 14:
 * 8 without miles per gallon, 6 without horsepower, leaving 392); a seeded split holds out 20 %
 * (78 rows) for validation; features are standardised with the training split's mean and
 * population std; the target is left in miles per gallon, `[n, 1]`.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { loadCars } from "./tabular.ts";
 * await setupBackend({ backend: "cpu" });
 * const cars = loadCars({ seed: 0 });
 * if (cars.droppedRows !== 14 || cars.rows.length !== 392) throw new Error(cars.preprocessing);
 * if (cars.xTrain.shape.join() !== "314,4" || cars.yVal.shape.join() !== "78,1") {
 *   throw new Error(`shapes ${cars.xTrain.shape} ${cars.yVal.shape}`);
 * }
 * cars.dispose();
 * ```
 */
export function loadCars(options: LoadOptions = {}): TabularDataset {
  return buildTabular({
    fn: "loadCars",
    source: "cars.json",
    rows: readJsonData("cars.json", "loadCars") as DataRow[],
    features: options.features ?? CARS_FEATURES,
    target: "Miles_per_Gallon",
    classification: false,
    options,
  });
}

const PENGUIN_FEATURES = [
  "Beak Length (mm)",
  "Beak Depth (mm)",
  "Flipper Length (mm)",
  "Body Mass (g)",
];

/**
 * Palmer penguins (`penguins.json`, 344 birds): classify `Species` (Adelie 152, Chinstrap 68,
 * Gentoo 124; class ids in that alphabetical order) from beak length, beak depth, flipper length
 * and body mass.
 *
 * Preprocessing: the 2 rows missing a measurement are dropped (342 kept; `Sex`, not a feature,
 * may be missing); a seeded split, stratified by species, holds out 20 %; features standardised
 * on the training split only; targets one-hot `[n, 3]`, class ids in `labelsTrain`/`labelsVal`.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { loadPenguins } from "./tabular.ts";
 * await setupBackend({ backend: "cpu" });
 * const p = loadPenguins();
 * if (p.droppedRows !== 2 || p.classNames?.join() !== "Adelie,Chinstrap,Gentoo") {
 *   throw new Error(p.preprocessing);
 * }
 * if (p.yTrain.shape[1] !== 3) throw new Error("expected one-hot targets");
 * p.dispose();
 * ```
 */
export function loadPenguins(options: LoadOptions = {}): TabularDataset {
  return buildTabular({
    fn: "loadPenguins",
    source: "penguins.json",
    rows: readJsonData("penguins.json", "loadPenguins") as DataRow[],
    features: options.features ?? PENGUIN_FEATURES,
    target: "Species",
    classification: true,
    options,
  });
}

const WEATHER_FEATURES = ["precipitation", "temp_max", "temp_min", "wind"];

/**
 * Seattle weather (`seattle-weather.csv`, 1461 days of 2012–15): classify `weather` from
 * `precipitation`, `temp_max`, `temp_min` and `wind`. Very imbalanced: rain 641, sun 640, fog 101,
 * drizzle 53, snow 26 (class ids alphabetical: drizzle 0, fog 1, rain 2, snow 3, sun 4) — the data
 * set for class weights.
 *
 * Preprocessing: no value is missing in this file (0 rows dropped); a seeded split, stratified by
 * class so even snow appears in validation, holds out 20 %; features standardised on the training
 * split only; targets one-hot `[n, 5]`, class ids in `labelsTrain`/`labelsVal`. CSV fields are
 * kept as strings in `rows`.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { loadSeattleWeather } from "./tabular.ts";
 * await setupBackend({ backend: "cpu" });
 * const w = loadSeattleWeather();
 * const counts = [0, 0, 0, 0, 0];
 * for (const c of [...w.labelsTrain!, ...w.labelsVal!]) counts[c]++;
 * if (counts.join() !== "53,101,641,26,640") throw new Error(`counts ${counts}`);
 * w.dispose();
 * ```
 */
export function loadSeattleWeather(options: LoadOptions = {}): TabularDataset {
  return buildTabular({
    fn: "loadSeattleWeather",
    source: "seattle-weather.csv",
    rows: readCsvData("seattle-weather.csv", "loadSeattleWeather"),
    features: options.features ?? WEATHER_FEATURES,
    target: "weather",
    classification: true,
    options,
  });
}

/** One of Anscombe's four series. */
export interface AnscombeSeries {
  /** `"I"`, `"II"`, `"III"` or `"IV"`. */
  name: string;
  /** The x values, `[11, 1]`, unstandardised. */
  x: Tensor;
  /** The y values, `[11, 1]`. */
  y: Tensor;
  /** The raw rows, matching `x` and `y`. */
  rows: DataRow[];
}

/** What {@linkcode loadAnscombe} returns. */
export interface AnscombeDataset {
  /** The four series, in order I, II, III, IV. */
  series: AnscombeSeries[];
  /** What was done to the file. */
  preprocessing: string;
  /** Frees the eight tensors. */
  dispose(): void;
}

/**
 * Anscombe's quartet (`anscombe.json`): four series of 11 points with the same least-squares fit
 * (`y ≈ 3.00 + 0.500·x`), the same mean and variance, and very different shapes — the same mean
 * loss hides different per-sample losses.
 *
 * Preprocessing: none. No row is missing; x is not standardised (the shared fit is the point) and
 * the series are not split (11 points each; fit on all of them).
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { loadAnscombe } from "./tabular.ts";
 * await setupBackend({ backend: "cpu" });
 * const a = loadAnscombe();
 * if (a.series.map((s) => s.x.shape[0]).join() !== "11,11,11,11") throw new Error("sizes");
 * a.dispose();
 * ```
 */
export function loadAnscombe(): AnscombeDataset {
  const fn = "loadAnscombe";
  const rows = readJsonData("anscombe.json", "loadAnscombe") as DataRow[];
  if (!Array.isArray(rows) || rows.some((r) => typeof r?.X !== "number" || !r.Series)) {
    throw new SyntaxError(`${fn}: anscombe.json is not a list of {Series, X, Y} records`);
  }
  const names = [...new Set(rows.map((r) => String(r.Series)))];
  const series = names.map((name) => {
    const own = rows.filter((r) => r.Series === name);
    return {
      name,
      x: tf.tensor2d(own.map((r) => Number(r.X)), [own.length, 1]),
      y: tf.tensor2d(own.map((r) => Number(r.Y)), [own.length, 1]),
      rows: own,
    };
  });
  return {
    series,
    preprocessing: "anscombe.json: 44 rows in 4 series of 11, none dropped, not standardised, " +
      "not split.",
    dispose(): void {
      for (const s of series) tf.dispose([s.x, s.y]);
    },
  };
}
