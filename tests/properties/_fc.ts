/**
 * fast-check for the property tests (pinned in deno.json's import map),
 * seeded and bounded so the whole property suite stays fast and repeatable.
 *
 * @module
 */
import fc from "fast-check";

fc.configureGlobal({ seed: 20261201, numRuns: 40, endOnFailure: true });

export { fc };
