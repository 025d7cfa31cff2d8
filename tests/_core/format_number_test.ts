import { assert } from "../assert.ts";
import { formatCount, formatNumber, formatPercent } from "../../lib/_core/format_number.ts";

Deno.test("formatNumber: three significant digits, trailing zeros dropped, exponents at the ends", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [0.25, "0.25"],
    [2.0004, "2"],
    [1234.5, "1230"],
    // The switch to exponents looks at the value before rounding: 99,999 is below 100,000.
    [99999, "100000"],
    [123456, "1.23e+5"],
    [120000, "1.2e+5"],
    [0.001, "0.001"],
    [0.000999, "9.99e-4"],
    [0.0000136, "1.36e-5"],
    [-5.678, "-5.68"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ];
  for (const [x, want] of cases) assert.equal(formatNumber(x), want, `formatNumber(${x})`);
  assert.equal(formatNumber(3.14159, { digits: 5 }), "3.1416");
});

Deno.test("formatNumber: fixedDigits keeps exactly `digits` significant digits", () => {
  const cases: [number, string][] = [
    [0.5, "0.5000"],
    [0.23, "0.2300"],
    [12.3456, "12.35"],
    [1e7, "1.000e+7"],
    [0, "0.000"],
    [NaN, "NaN"],
  ];
  for (const [x, want] of cases) {
    assert.equal(formatNumber(x, { digits: 4, fixedDigits: true }), want, `${x}`);
  }
});

Deno.test("formatCount and formatPercent", () => {
  assert.equal(formatCount(100000), "100,000");
  assert.equal(formatCount(999), "999");
  // Whole percent from 10 % on, one decimal below, and a plain 0 %.
  assert.equal(formatPercent(0.4567), "46%");
  assert.equal(formatPercent(0.1), "10%");
  assert.equal(formatPercent(0.0123), "1.2%");
  assert.equal(formatPercent(0), "0%");
  assert.equal(formatPercent(1), "100%");
});
