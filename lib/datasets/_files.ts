/**
 * Reading the data files that the `vega-datasets` npm package ships. Never its JavaScript API:
 * that downloads from the internet, and nothing here may.
 *
 * @module
 */

const DATA_DIR = new URL("../../node_modules/vega-datasets/data/", import.meta.url);

/** A row of a CSV file: column name to raw text. */
export type CsvRow = Record<string, string>;

/**
 * The path of a `vega-datasets` file, checked to exist.
 *
 * @example
 * ```ts
 * import { dataFilePath } from "./_files.ts";
 * if (!dataFilePath("cars.json").endsWith("cars.json")) throw new Error("wrong path");
 * ```
 */
export function dataFilePath(name: string, fn = "dataFilePath"): string {
  if (!/^[\w.-]+$/.test(name)) {
    throw new RangeError(
      `${fn}: name is "${name}", expected a plain file name such as "cars.json"`,
    );
  }
  const url = new URL(name, DATA_DIR);
  try {
    Deno.statSync(url);
  } catch (error) {
    // A missing permission is not a missing file: saying "missing" sends the learner to reinstall.
    const denied = (Deno.errors as Record<string, unknown>).NotCapable;
    if (
      error instanceof Deno.errors.PermissionDenied ||
      (typeof denied === "function" && error instanceof denied)
    ) {
      throw new Deno.errors.PermissionDenied(
        `${fn}: reading ${url.pathname} was not allowed; run with --allow-read ` +
          "(or -A), as the losslab kernel and `deno test -A` do",
      );
    }
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `${fn}: ${url.pathname} is missing; the vega-datasets package is installed by ` +
        "`deno install` (./losslab does it), and its data/ folder must hold this file",
    );
  }
  return url.pathname;
}

/**
 * Reads and parses a JSON file of `vega-datasets`, with an error naming the file when it is malformed.
 *
 * @example
 * ```ts
 * import { readJsonData } from "./_files.ts";
 * const cars = readJsonData("cars.json") as unknown[];
 * if (cars.length !== 406) throw new Error(`cars has ${cars.length} rows`);
 * ```
 */
export function readJsonData(name: string, fn = "readJsonData"): unknown {
  const path = dataFilePath(name, fn);
  const text = Deno.readTextFileSync(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${fn}: ${path} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Reads a CSV file of `vega-datasets` (comma-separated, first line the header, no quoted commas in
 * these files) into rows of raw strings; rows with the wrong number of fields are an error.
 *
 * @example
 * ```ts
 * import { readCsvData } from "./_files.ts";
 * const rows = readCsvData("seattle-weather.csv");
 * if (rows[0].weather === undefined) throw new Error("no weather column");
 * ```
 */
export function readCsvData(name: string, fn = "readCsvData"): CsvRow[] {
  const path = dataFilePath(name, fn);
  const lines = Deno.readTextFileSync(path).split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) throw new SyntaxError(`${fn}: ${path} is empty`);
  const header = lines[0].split(",");
  return lines.slice(1).map((line, i) => {
    const fields = line.split(",");
    if (fields.length !== header.length) {
      throw new SyntaxError(
        `${fn}: ${path} line ${i + 2} has ${fields.length} fields, expected ${header.length}`,
      );
    }
    return Object.fromEntries(header.map((h, j) => [h, fields[j]]));
  });
}
