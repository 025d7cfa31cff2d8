import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  fitStandardizer,
  loadAnscombe,
  loadCars,
  loadPenguins,
  loadSeattleWeather,
  splitIndices,
} from "../../lib/datasets/tabular.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("loadCars: counts from the file (checked with a Python count of nulls), no leak", async () => {
  await assertNoLeak(() => {
    const cars = loadCars();
    // cars.json: 406 rows, 8 with Miles_per_Gallon null, 6 with Horsepower null, none overlap.
    assert.equal(cars.totalRows, 406);
    assert.equal(cars.droppedRows, 14);
    assert.equal(cars.split.train.length + cars.split.validation.length, 392);
    assert.equal(cars.split.validation.length, Math.round(0.2 * 392));
    assert.deepEqual(cars.featureNames, [
      "Horsepower",
      "Weight_in_lbs",
      "Acceleration",
      "Displacement",
    ]);
    // Row 0 of the file (kept) is the Chevelle Malibu, 18 mpg.
    assert.equal(cars.rows[0].Name, "chevrolet chevelle malibu");
    const yTrain = cars.yTrain.dataSync();
    cars.trainRows.forEach((r, i) =>
      assert.equal(yTrain[i], Math.fround(Number(r.Miles_per_Gallon)))
    );
    cars.dispose();
  });
});

Deno.test("loadCars: standardisation uses the training split only", () => {
  const cars = loadCars({ seed: 3 });
  // Training columns: mean 0, population std 1 by construction of z-scores.
  const m = tf.moments(cars.xTrain, 0);
  assertClose(m.mean, [0, 0, 0, 0], 1e-4);
  assertClose(m.variance, [1, 1, 1, 1], 1e-3);
  // The stored mean is the plain mean of the raw training horsepower.
  const hp = cars.trainRows.map((r) => Number(r.Horsepower));
  assertClose(cars.standardizer.mean[0], hp.reduce((a, b) => a + b) / hp.length, 1e-9);
  // Validation z-scores recomputed by hand from the raw rows.
  const { mean, std } = cars.standardizer;
  const expected = cars.valRows.slice(0, 3).flatMap((r) =>
    cars.featureNames.map((c, j) => (Number(r[c]) - mean[j]) / std[j])
  );
  assertClose(cars.xVal.slice([0, 0], [3, 4]), expected, 1e-4);
  tf.dispose([m.mean, m.variance]);
  cars.dispose();
});

Deno.test("splitIndices: seeded, disjoint, stratified", () => {
  const a = splitIndices(50, { seed: 9 }), b = splitIndices(50, { seed: 9 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, splitIndices(50, { seed: 10 }));
  assert.equal(new Set([...a.train, ...a.validation]).size, 50);
  const labels = Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : 1));
  const s = splitIndices(50, { validationSplit: 0.2, stratify: labels, seed: 1 });
  // 40 of class 0 -> 8 held out, 10 of class 1 -> 2 held out.
  assert.equal(s.validation.filter((i) => i < 40).length, 8);
  assert.equal(s.validation.filter((i) => i >= 40).length, 2);
  assertThrowsWith(() => splitIndices(5, { validationSplit: 1 }), RangeError, "splitIndices", "1");
  assertThrowsWith(
    () => splitIndices(5, { stratify: [0, 1] }),
    RangeError,
    "stratify has 2 labels",
  );
});

Deno.test("fitStandardizer: population std, constant column kept at 1", () => {
  // [1, 2, 3]: mean 2, population variance 2/3.
  const s = fitStandardizer([[1, 4], [2, 4], [3, 4]]);
  assertClose(s.mean, [2, 4], 1e-12);
  assertClose(s.std, [Math.sqrt(2 / 3), 1], 1e-12);
});

Deno.test("loadPenguins and loadSeattleWeather: class counts from the files", () => {
  const p = loadPenguins();
  // penguins.json: Adelie 152, Chinstrap 68, Gentoo 124; 2 rows lack all measurements.
  const pc = [0, 0, 0];
  for (const c of [...p.labelsTrain!, ...p.labelsVal!]) pc[c]++;
  assert.deepEqual(pc, [151, 68, 123]);
  assert.equal(p.droppedRows, 2);
  const oneHot = p.yTrain.argMax(1);
  assert.deepEqual(Array.from(oneHot.dataSync()), Array.from(p.labelsTrain!));
  oneHot.dispose();
  p.dispose();
  const w = loadSeattleWeather({ seed: 2 });
  assert.deepEqual(w.classNames, ["drizzle", "fog", "rain", "snow", "sun"]);
  // Stratified 20 %: snow 26 -> round(5.2) = 5 validation days.
  assert.equal(w.labelsVal!.filter((c) => c === 3).length, 5);
  assert.equal(w.droppedRows, 0);
  w.dispose();
});

Deno.test("loaders: unknown column is a clear RangeError", () => {
  assertThrowsWith(
    () => loadCars({ features: ["Horsepower", "Colour"] }),
    RangeError,
    "loadCars",
    '"Colour"',
    "cars.json",
  );
});

Deno.test("loadAnscombe: every series has the documented fit y = 3.00 + 0.500 x", async () => {
  await assertNoLeak(() => {
    const a = loadAnscombe();
    assert.deepEqual(a.series.map((s) => s.name), ["I", "II", "III", "IV"]);
    for (const s of a.series) {
      // Ordinary least squares in plain JS.
      const x = Array.from(s.x.dataSync()), y = Array.from(s.y.dataSync());
      const mx = x.reduce((p, q) => p + q) / 11, my = y.reduce((p, q) => p + q) / 11;
      let sxy = 0, sxx = 0;
      for (let i = 0; i < 11; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) ** 2;
      }
      assertClose(sxy / sxx, 0.5, 1e-3, s.name);
      assertClose(my - (sxy / sxx) * mx, 3.0, 5e-3, s.name);
    }
    a.dispose();
  });
});
