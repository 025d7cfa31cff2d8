/**
 * fast-check for the property tests, pinned in one place (the import map will take it over),
 * seeded and bounded so the whole property suite stays fast and repeatable.
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- pinned here until the import map takes it over
import fc from "npm:fast-check@4.11.0";

fc.configureGlobal({ seed: 20261201, numRuns: 40, endOnFailure: true });

export { fc };
