/**
 * The examples in the JSDoc of the notebooks' lessons and exercises, run as tests.
 *
 * @module
 */
import { EXAMPLE_PATHS, testExamples } from "../_examples.ts";

testExamples(EXAMPLE_PATHS.notebooks);
