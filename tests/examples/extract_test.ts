import { assert } from "../assert.ts";
import { exampleModule, extractExamples } from "../_examples.ts";

// Line 1 is the comment's opening; the first block's code is on lines 4-5, the second's on line 10.
const SOURCE = [
  "/**",
  " * Adds.",
  " * ```ts",
  ' * import { add } from "./add.ts";',
  " * add(1, 2);",
  " * ```",
  " */",
  "export const add = (a: number, b: number) => a + b;",
  "/** ```ts",
  ' * const here = new URL("../data.json", import.meta.url);',
  " * ```",
  " */",
  "// ```ts",
  "// not in a JSDoc comment",
  "// ```",
].join("\n");

Deno.test("examples: the ```ts blocks of JSDoc comments, with their source lines", () => {
  const found = extractExamples("lib/x/add.ts", SOURCE);
  assert.deepEqual(found.map((e) => [e.first, e.last]), [[4, 5], [10, 10]]);
  assert.equal(found[0].code, 'import { add } from "./add.ts";\nadd(1, 2);');
});

Deno.test("examples: relative imports and import.meta.url point at the source file", () => {
  const [a, b] = extractExamples("lib/x/add.ts", SOURCE);
  const root = new URL("file:///p/");
  assert.equal(
    exampleModule(a, root),
    'import { add } from "file:///p/lib/x/add.ts";\nadd(1, 2);',
  );
  assert.equal(
    exampleModule(b, root),
    'const here = new URL("../data.json", "file:///p/lib/x/add.ts");',
  );
});

Deno.test("examples: a comment's end written *\\/ inside an example is */ in its code", () => {
  const [example] = extractExamples("lib/x.ts", "/**\n * ```ts\n * /* note *\\/\n * ```\n */");
  assert.equal(example.code, "/* note */");
});

Deno.test("examples: an example that throws fails its test", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [example] = extractExamples(
      "lib/x.ts",
      "/**\n * ```ts\n * throw new Error('boom');\n * ```\n */",
    );
    await Deno.writeTextFile(`${dir}/x.ts`, exampleModule(example));
    await assert.rejects(() => import(`file://${dir}/x.ts`), /boom/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
