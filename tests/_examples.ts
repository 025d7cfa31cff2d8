/**
 * Runs the ```ts code blocks of the JSDoc comments under some folders as tests, like
 * `deno test --doc`, but many examples to an isolate: `deno test --doc` starts a fresh isolate per
 * example, and loading tfjs and the library into each one cost about 0.6 s of CPU, far more than the
 * examples themselves. Each example is still its own module (imports as written, top-level await
 * allowed), a `data:` URL with its relative imports and `import.meta.url` pointing at the source
 * file, imported inside its own `Deno.test` named `FILE#FIRST-LAST` (in a stack trace, lines count
 * from the example's first line). Type-checking the examples is `deno check --doc`
 * (`deno task check`).
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/** Where the example modules of tests/examples/ find their examples. */
export const EXAMPLE_PATHS = {
  lib: [
    "lib/mod.ts",
    "lib/analysis",
    "lib/charts",
    "lib/datasets",
    "lib/runtime",
    "lib/structured",
    "lib/training",
  ],
  notebooks: ["notebooks/lessons", "notebooks/exercises"],
  /** Run by `deno task test:pure` (tests/examples/pure_examples.ts), with no permission. */
  pure: ["lib/_core", "lib/losses"],
};

/** One fenced ```ts block of a JSDoc comment. */
export interface Example {
  /** Project-relative path of the source file. */
  file: string;
  /** 1-based lines of the block's first and last code lines in the source. */
  first: number;
  last: number;
  code: string;
}

/** The ```ts blocks inside the `/** ... *\/` comments of one source text. */
export function extractExamples(file: string, source: string): Example[] {
  const lines = source.split("\n");
  const examples: Example[] = [];
  let inComment = false;
  let block: { first: number; code: string[] } | null = null;
  lines.forEach((line, i) => {
    if (!inComment && /^\s*\/\*\*/.test(line)) inComment = true;
    if (inComment) {
      const text = line.replace(/^\s*\/?\*+\/?\s?/, "");
      if (block === null && /^```ts\s*$/.test(text.trim())) {
        block = { first: i + 2, code: [] };
      } else if (block !== null && text.trim() === "```") {
        examples.push({ file, first: block.first, last: i, code: block.code.join("\n") });
        block = null;
      } else if (block !== null) {
        // A comment cannot hold "*" + "/", so examples write it "*\/".
        block.code.push(line.replace(/^\s*\* ?/, "").replaceAll("*\\/", "*/"));
      }
    }
    if (inComment && line.includes("*/")) {
      inComment = false;
      block = null;
    }
  });
  return examples;
}

/** The example as a module of its own: relative imports and `import.meta.url` point at `file`. */
export function exampleModule(example: Example, root: URL = ROOT): string {
  const source = new URL(example.file, root).href;
  return example.code
    .replace(
      /(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\2/g,
      (_m, head: string, quote: string, spec: string) =>
        `${head}${quote}${new URL(spec, source).href}${quote}`,
    )
    .replaceAll("import.meta.url", JSON.stringify(source));
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of Deno.readDirSync(new URL(rel, ROOT))) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) found.push(path);
    }
  };
  if (dir.endsWith(".ts")) return [dir];
  walk(dir);
  return found.sort();
}

/** A `data:` URL holding the module's text, so that running an example needs no permission. */
function dataUrl(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:application/typescript;base64,${btoa(binary)}`;
}

/**
 * Registers one `Deno.test` per example found under `paths` (folders or `.ts` files, relative to
 * the project), and returns the specifiers the examples import. Reading the sources needs read
 * permission; the examples run with the permissions the test module has when they run.
 */
export function testExamples(paths: string[]): string[] {
  const examples = paths.flatMap(sourceFiles).flatMap((file) =>
    extractExamples(file, Deno.readTextFileSync(new URL(file, ROOT)))
  );
  if (examples.length === 0) throw new Error(`testExamples: no examples under ${paths}`);
  const imported = new Set<string>();
  for (const example of examples) {
    const module = exampleModule(example);
    for (const m of module.matchAll(/\b(?:from|import)\s*["']([^"']+)["']/g)) imported.add(m[1]);
    const url = dataUrl(module);
    Deno.test(`${example.file}#${example.first}-${example.last}`, async () => {
      await import(url);
    });
  }
  return [...imported].sort();
}
