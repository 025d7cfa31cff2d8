import { assert, assertThrowsWith } from "../assert.ts";
import {
  assertAllFinite,
  assertFiniteNumber,
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertNumberIn,
  assertOneOf,
  assertPositiveInteger,
  assertSeed,
  describeValue,
  formatInterval,
} from "../../lib/_core/checks.ts";

Deno.test("formatInterval and describeValue", () => {
  assert.equal(formatInterval({ min: 1, max: 1000 }), "[1, 1000]");
  assert.equal(formatInterval({ min: 0, max: 1, minOpen: true, maxOpen: true }), "(0, 1)");
  assert.equal(formatInterval({ min: 0, max: 5, maxOpen: true }), "[0, 5)");
  assert.equal(formatInterval({ min: 0, max: Infinity, minOpen: true }), "> 0");
  assert.equal(formatInterval({ min: -Infinity, max: 3 }), "<= 3");
  assert.equal(describeValue("3"), '"3"');
  assert.equal(describeValue(undefined), "undefined");
  assert.equal(describeValue([1, 2]), "[1,2]");
  assert.equal(describeValue(-0.5), "-0.5");
});

Deno.test("one message format: <fn>: <arg> is <value>, expected <expectation>", () => {
  assertThrowsWith(
    () => assertPositiveInteger("f", "k", 0),
    RangeError,
    "f: k is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => assertPositiveInteger("f", "k", 2.5),
    RangeError,
    "f: k is 2.5, expected an integer >= 1",
  );
  assertThrowsWith(
    () => assertNonNegativeInteger("f", "options.topK", -1),
    RangeError,
    "f: options.topK is -1, expected an integer >= 0",
  );
  assertThrowsWith(
    () => assertIntegerIn("f", "options.bins", 1001, { min: 1, max: 1000 }),
    RangeError,
    "f: options.bins is 1001, expected an integer in [1, 1000]",
  );
  assertThrowsWith(
    () => assertNumberIn("f", "options.topPercent", NaN, { min: 0, max: 100, minOpen: true }),
    RangeError,
    "f: options.topPercent is NaN, expected a number in (0, 100]",
  );
  assertThrowsWith(
    () => assertFraction("f", "options.fraction", 1.5),
    RangeError,
    "f: options.fraction is 1.5, expected a number in [0, 1]",
  );
  assertThrowsWith(
    () => assertFraction("f", "options.validationSplit", 1, "max"),
    RangeError,
    "f: options.validationSplit is 1, expected a number in [0, 1)",
  );
  assertThrowsWith(
    () => assertFiniteNumber("f", "seed", Infinity),
    RangeError,
    "f: seed is Infinity, expected a finite number",
  );
  assertThrowsWith(
    () => assertOneOf("f", "split", "dev", ["train", "validation", "test"]),
    RangeError,
    'f: split is "dev", expected "train", "validation" or "test"',
  );
  assertThrowsWith(
    () => assertIntegerIn("f", "labels[1]", 2, { min: 0, max: 2, maxOpen: true }, "to index x"),
    RangeError,
    "f: labels[1] is 2, expected an integer in [0, 2) to index x",
  );
});

Deno.test("checks: a non-number is a TypeError; valid values and open ends pass", () => {
  assertThrowsWith(() => assertPositiveInteger("f", "k", "3"), TypeError, 'k is "3"');
  assertThrowsWith(() => assertFraction("f", "p", undefined), TypeError, "p is undefined");
  assertThrowsWith(() => assertFiniteNumber("f", "seed", null), TypeError, "seed is null");
  // Unbounded intervals still refuse Infinity: a size or a count is finite.
  assertThrowsWith(
    () => assertNumberIn("f", "options.width", Infinity, { min: 0, max: Infinity, minOpen: true }),
    RangeError,
    "options.width is Infinity, expected a number > 0",
  );
  assertPositiveInteger("f", "k", 1);
  assertNonNegativeInteger("f", "k", 0);
  assertFraction("f", "p", 0);
  assertFraction("f", "p", 1);
  assertNumberIn("f", "p", 100, { min: 0, max: 100, minOpen: true });
  assertIntegerIn("f", "i", 1, { min: 0, max: 2, maxOpen: true });
  assertOneOf("f", "order", "data", ["sorted", "data"]);
  assertThrowsWith(() => assertFraction("f", "p", 0, "min"), RangeError, "(0, 1]");
});

Deno.test("assertKnownOptions: unknown key names the closest valid one; non-objects are TypeErrors", () => {
  const allowed = ["batchSize", "epochs", "sampleWeight"];
  assertKnownOptions("demo", undefined, allowed);
  assertKnownOptions("demo", {}, allowed);
  assertKnownOptions("demo", { epochs: 1, batchSize: 2 }, allowed);
  assert.throws(
    () => assertKnownOptions("demo", { batch_size: 2 }, allowed),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        'demo: options.batch_size is not an option, did you mean "batchSize"? expected one of ' +
          '"batchSize", "epochs", "sampleWeight"',
  );
  assert.throws(
    () => assertKnownOptions("demo", { sample_weight: [1] }, allowed),
    /options\.sample_weight is not an option, did you mean "sampleWeight"\?/,
  );
  assert.throws(() => assertKnownOptions("demo", { epoch: 1 }, allowed), /did you mean "epochs"/);
  // Nothing close: no guess, just the list.
  assert.throws(
    () => assertKnownOptions("demo", { zzzzzzzz: 1 }, allowed),
    (e: Error) =>
      e.message.includes("options.zzzzzzzz is not an option;") &&
      !e.message.includes("did you mean"),
  );
  for (const bad of [5, "x", null, [1], true]) {
    assert.throws(
      () => assertKnownOptions("demo", bad, allowed),
      (e: Error) => e instanceof TypeError && e.message.startsWith("demo: options is "),
    );
  }
  assert.throws(
    () => assertKnownOptions("demo", { a: 1 }, [], "track"),
    /demo: track\.a is not an option; expected no options/,
  );
});

Deno.test("assertAllFinite: count and first three positions", () => {
  assertAllFinite("demo", "v", new Float32Array([1, 2, 3]));
  assert.throws(
    () => assertAllFinite("demo", "v", [NaN, 1, Infinity, NaN, -Infinity]),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "demo: v has 4 non-finite values, first at 0 (NaN), 2 (Infinity), 3 (NaN), expected finite numbers",
  );
  assert.throws(
    () => assertAllFinite("demo", "v", [1, NaN], (i) => `sample ${i}`),
    /1 non-finite value, first at sample 1 \(NaN\)/,
  );
});

Deno.test("assertSeed: integers of any sign; fractions and non-numbers refused", () => {
  assertSeed("demo", "seed", -3);
  assertSeed("demo", "seed", 0);
  assert.throws(
    () => assertSeed("demo", "seed", 0.5),
    (e: Error) => e instanceof RangeError && e.message === "demo: seed is 0.5, expected an integer",
  );
  assert.throws(() => assertSeed("demo", "seed", "1"), TypeError);
});
