/**
 * The examples in the JSDoc of lib/_core/ and lib/losses/, run as tests with no permission at all:
 * `deno task test:pure` grants reading lib/ and node_modules/ to collect the examples and load what
 * they import, and this module gives that up before any example runs. Not named `*_test.ts`: only
 * test:pure runs it.
 *
 * @module
 */
import { EXAMPLE_PATHS, testExamples } from "../_examples.ts";

for (const specifier of testExamples(EXAMPLE_PATHS.pure)) await import(specifier);
Deno.permissions.revokeSync({ name: "read" });

Deno.test("the examples of lib/_core/ and lib/losses/ ran with no permission", () => {
  const names = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;
  const granted = names.filter((name) => Deno.permissions.querySync({ name }).state === "granted");
  if (granted.length) throw new Error(`test:pure: granted ${granted.join(", ")}`);
});
