/**
 * The layout's one rule, checked on the import graph: dependencies point one way. `losses/` needs
 * tfjs alone; `charts/` the chart stack and plain numbers; `training/` and `analysis/` build on
 * `losses/`; nothing in `lib/` imports a lesson; no folder reaches into another folder's private
 * `_files`. Reads the source text (no permissions beyond reading the project).
 *
 * @module
 */
import { assert } from "./assert.ts";
import { EXAMPLE_PATHS } from "./_examples.ts";

const ROOT = new URL("../", import.meta.url);

/** The areas of the project whose imports are checked, and what each may import. */
const ALLOWED: Record<string, { areas: string[]; packages: string[] }> = {
  "lib/_core": { areas: [], packages: ["@tensorflow/tfjs"] },
  "lib/losses": { areas: ["lib/_core"], packages: ["@tensorflow/tfjs"] },
  "lib/runtime": {
    areas: ["lib/_core"],
    packages: ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm"],
  },
  "lib/charts": {
    areas: ["lib/_core"],
    packages: ["@tensorflow/tfjs", "vega", "vega-lite", "@resvg/resvg-wasm"],
  },
  "lib/datasets": { areas: ["lib/_core"], packages: ["@tensorflow/tfjs"] },
  "lib/training": {
    areas: ["lib/_core", "lib/losses", "lib/runtime"],
    packages: ["@tensorflow/tfjs"],
  },
  "lib/analysis": {
    areas: ["lib/_core", "lib/losses", "lib/runtime", "lib/training"],
    packages: ["@tensorflow/tfjs"],
  },
  "lib/structured": {
    areas: ["lib/_core", "lib/losses", "lib/runtime", "lib/training"],
    packages: ["@tensorflow/tfjs"],
  },
  "lib": {
    areas: [
      "lib/losses",
      "lib/training",
      "lib/analysis",
      "lib/structured",
      "lib/datasets",
      "lib/charts",
      "lib/runtime",
    ],
    packages: [],
  },
  "notebooks/lessons": { areas: ["lib/*"], packages: ["@tensorflow/tfjs"] },
  "notebooks/exercises": {
    areas: ["lib/*", "notebooks/lessons"],
    packages: ["@tensorflow/tfjs"],
  },
  "notebooks/solutions": { areas: ["lib/*", "notebooks/lessons"], packages: ["@tensorflow/tfjs"] },
};

interface Import {
  from: string;
  specifier: string;
  line: number;
}

async function* tsFiles(dir: URL, rel: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${rel}/${entry.name}`;
    if (entry.isDirectory) yield* tsFiles(new URL(`${entry.name}/`, dir), path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Static imports and re-exports of one file; JSDoc `@example` code is not part of the graph. */
function importsOf(path: string, source: string): Import[] {
  // Blank out comment lines, keeping the line count, so examples in JSDoc are not read as imports.
  const code = source.split("\n").map((l) => (/^\s*(\*|\/\/|\/\*)/.test(l) ? "" : l)).join("\n");
  const patterns = [
    /^\s*import\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm,
    /^\s*export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*from\s*["']([^"']+)["']/gm,
  ];
  const found: Import[] = [];
  for (const pattern of patterns) {
    for (const m of code.matchAll(pattern)) {
      const line =
        code.slice(0, m.index! + m[0].length - m[0].trimStart().length).split("\n").length;
      found.push({ from: path, specifier: m[1], line });
    }
  }
  return found.sort((x, y) => x.line - y.line);
}

function areaOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "lib") return parts.length === 2 ? "lib" : `lib/${parts[1]}`;
  return `${parts[0]}/${parts[1]}`;
}

function resolve(from: string, specifier: string): string {
  return new URL(specifier, new URL(from, "file:///p/")).pathname.slice(3);
}

async function projectImports(): Promise<Import[]> {
  const all: Import[] = [];
  for (const top of ["lib", "notebooks/lessons", "notebooks/exercises", "notebooks/solutions"]) {
    for await (const path of tsFiles(new URL(`${top}/`, ROOT), top)) {
      all.push(...importsOf(path, await Deno.readTextFile(new URL(path, ROOT))));
    }
  }
  return all;
}

/** Every import that breaks the layout's rules, as one readable line each. */
function violations(imports: Import[]): string[] {
  const bad: string[] = [];
  for (const imp of imports) {
    const area = areaOf(imp.from);
    const rule = ALLOWED[area];
    const where = `${imp.from}:${imp.line} imports "${imp.specifier}"`;
    if (!rule) {
      bad.push(`${where}: ${area} has no rule`);
      continue;
    }
    if (!imp.specifier.startsWith(".")) {
      if (!rule.packages.includes(imp.specifier)) {
        bad.push(`${where}: ${area} may import only ${rule.packages.join(", ") || "no package"}`);
      }
      continue;
    }
    const target = resolve(imp.from, imp.specifier);
    const targetArea = areaOf(target);
    if (targetArea === area) continue;
    const ok = rule.areas.some((a) =>
      a === targetArea || (a === "lib/*" && (targetArea === "lib" || targetArea.startsWith("lib/")))
    );
    if (!ok) {
      bad.push(`${where}: ${area} may import ${rule.areas.join(", ") || "nothing of the kit"}`);
      continue;
    }
    const file = target.split("/").pop()!;
    if (file.startsWith("_") && targetArea !== "lib/_core") {
      bad.push(`${where}: ${file} is private to ${targetArea}`);
    }
    if (targetArea !== "lib/_core" && area.startsWith("notebooks/") && file !== "mod.ts") {
      // Lessons and checkers use the public entry points, as a learner's own code would.
      if (targetArea.startsWith("lib")) bad.push(`${where}: import ${targetArea}/mod.ts instead`);
    }
  }
  return bad;
}

Deno.test("architecture: every import in lib/ and the notebooks' code points the allowed way", async () => {
  const imports = await projectImports();
  assert.ok(imports.length > 100, `only ${imports.length} imports found: the scan is broken`);
  const bad = violations(imports);
  assert.deepEqual(bad, [], `imports that point the wrong way:\n${bad.join("\n")}`);
});

Deno.test("architecture: the checker catches the imports it forbids", () => {
  const probe = (from: string, specifier: string) =>
    violations([{ from, specifier, line: 1 }]).length;
  assert.equal(probe("lib/losses/x.ts", "../training/train.ts"), 1, "losses → training");
  assert.equal(probe("lib/losses/x.ts", "vega"), 1, "losses → a chart package");
  assert.equal(probe("lib/charts/x.ts", "../losses/mod.ts"), 1, "charts → losses");
  assert.equal(probe("lib/datasets/x.ts", "../charts/graph.ts"), 1, "datasets → charts");
  assert.equal(probe("lib/training/x.ts", "../analysis/summary.ts"), 1, "training → analysis");
  assert.equal(probe("lib/analysis/x.ts", "../../notebooks/lessons/mod.ts"), 1, "lib → lessons");
  assert.equal(probe("lib/training/x.ts", "../charts/_data.ts"), 1, "another folder's _file");
  assert.equal(probe("notebooks/lessons/x.ts", "../exercises/mod.ts"), 1, "lessons → checkers");
  assert.equal(probe("lib/training/x.ts", "../losses/reduce.ts"), 0, "training → losses is fine");
  assert.equal(probe("lib/charts/x.ts", "../_core/tensor_input.ts"), 0, "_core is shared");
});

Deno.test("architecture: the import scan reads multi-line imports and skips examples", () => {
  const source = [
    "/**",
    ' * import { x } from "../training/mod.ts";',
    " */",
    "import {",
    "  a,",
    "  b,",
    '} from "./a.ts";',
    'import "./side_effect.ts";',
    'export { c } from "./c.ts";',
    "export function f(): void {}",
  ].join("\n");
  const found = importsOf("lib/losses/x.ts", source).map((i) => `${i.specifier}@${i.line}`);
  assert.deepEqual(found, ["./a.ts@4", "./side_effect.ts@8", "./c.ts@9"]);
});

Deno.test("architecture: the README states the small library's true size", async () => {
  const dir = new URL("lib/losses/", ROOT);
  let lines = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    lines += text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
  }
  const mod = await Deno.readTextFile(new URL("mod.ts", dir));
  const names = (kind: "value" | "type") =>
    [...mod.matchAll(/^export (type )?\{([^}]*)\} from/gm)]
      .filter((m) => (kind === "type") === (m[1] !== undefined))
      .flatMap((m) => m[2].split(",").map((n) => n.trim()).filter((n) => n !== ""));
  const values = names("value").length, all = values + names("type").length;
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const stated = readme.match(
    /`lib\/losses\/`: (\d[\d,]*) lines and (\d+) exported names\s+\((\d+) of them values\)/,
  );
  assert.ok(stated, "README: the sentence stating the small library's size is missing");
  assert.deepEqual(
    [Number(stated[1].replace(",", "")), Number(stated[2]), Number(stated[3])],
    [lines, all, values],
    "README's [lines, exported names, values] of lib/losses/ vs the source",
  );
});

Deno.test("architecture: test:pure and test:unit together run every test and example once", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const pathsOf = (task: string): string[] =>
    (config.tasks[task] as string).split(/\s+/).filter((w) => /^(lib|tests|notebooks)\//.test(w))
      .map((w) => w.replace(/\/$/, ""));
  const pure = pathsOf("test:pure"), unit = pathsOf("test:unit");
  assert.ok(
    pure.includes("tests/examples/pure_examples.ts"),
    "test:pure runs lib/losses' examples",
  );
  // Examples: lib/_core and lib/losses by test:pure, the rest by tests/examples/ (in test:unit).
  const named = [
    ...pure,
    ...unit,
    ...EXAMPLE_PATHS.lib,
    ...EXAMPLE_PATHS.notebooks,
    ...EXAMPLE_PATHS.pure,
  ];
  const expected: string[] = ["notebooks/lessons", "notebooks/exercises"];
  for (const top of ["lib", "tests"]) {
    for await (const entry of Deno.readDir(new URL(`${top}/`, ROOT))) {
      const path = `${top}/${entry.name}`;
      if (entry.isDirectory && !["browser", "renderer"].includes(entry.name)) expected.push(path);
      if (entry.isFile && (entry.name.endsWith("_test.ts") || path === "lib/mod.ts")) {
        expected.push(path);
      }
    }
  }
  const missing = expected.filter((p) => !named.includes(p));
  assert.deepEqual(missing, [], "folders or test files whose tests or examples nothing runs");
  const twice = named.filter((p, i) => named.indexOf(p) !== i);
  assert.deepEqual(twice, [], "paths run twice");
  for (const p of pure) {
    assert.ok(
      /^(tests\/losses|tests\/examples\/pure_examples\.ts)$/.test(p),
      `test:pure runs ${p}; it runs without permissions, for lib/_core, lib/losses and their tests`,
    );
  }
});
