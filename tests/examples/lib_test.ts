/**
 * The examples in the JSDoc of lib/, run as tests (lib/_core/ and lib/losses/: `deno task
 * test:pure`).
 *
 * @module
 */
import { EXAMPLE_PATHS, testExamples } from "../_examples.ts";

testExamples(EXAMPLE_PATHS.lib);
