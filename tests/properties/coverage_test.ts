/**
 * Fails when a value export of a library entry point has no property test: a new export must come
 * with one.
 */
import { assert } from "../assert.ts";

/** The exports each property file's `prop([...], ...)` calls declare they cover. */
function covered(): Set<string> {
  const out = new Set<string>();
  for (const entry of Deno.readDirSync(new URL(".", import.meta.url))) {
    if (!entry.name.endsWith("_test.ts") || entry.name === "coverage_test.ts") continue;
    const text = Deno.readTextFileSync(new URL(entry.name, import.meta.url));
    for (const m of text.matchAll(/prop\(\s*\[([^\]]*)\]/g)) {
      for (const q of m[1].matchAll(/"(\w+)"/g)) out.add(q[1]);
    }
  }
  return out;
}

Deno.test("coverage: every value export of lib/*/mod.ts has a property test", async () => {
  const folders = ["losses", "training", "analysis", "structured", "datasets", "charts", "runtime"];
  const COVERED = covered();
  const missing: string[] = [];
  for (const folder of folders) {
    const mod = await import(`../../lib/${folder}/mod.ts`);
    for (const name of Object.keys(mod)) {
      if (!COVERED.has(name)) missing.push(`${folder}: ${name}`);
    }
  }
  assert.deepEqual(missing, [], `exports without a property test: ${missing.join(", ")}`);
});
