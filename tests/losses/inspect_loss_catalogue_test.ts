/**
 * A catalogue of losses as learners write them, each with the classification inspectLoss must
 * give and the words its message must use: per-sample, per-element, batch mean, batch sum, losses
 * that couple samples (divided by a batch statistic, contrastive), and losses that return NaN or
 * Infinity (for every sample, or for some).
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  inspectLoss,
  type LossOutputKind,
  type SampleCoupling,
  type SingleSampleRelation,
} from "../../lib/losses/inspect_loss.ts";
import { ntXent, ntXentPerAnchor } from "../../lib/losses/contrastive.ts";
import { assert, assertClose, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Each row's mean squared error, `[batch]`. */
const rowMse: Loss = (t, p) => tf.mean(tf.square(tf.sub(t, p)), -1);
/** The predicted probability of the true class (one-hot labels), `[batch]`. */
const trueProb = (t: tf.Tensor, p: tf.Tensor) => tf.sum(tf.mul(t, p), -1);

// The default probe: one-hot rows of 3 classes, true-class probabilities 0.7, 0.4, 0.5, 0.3.
// Row MSEs (hand-worked): 0.14/3, 0.54/3, 0.375/3, 0.86/3.
const ROW_MSE = [0.14 / 3, 0.54 / 3, 0.375 / 3, 0.86 / 3];
// Two views of three items for the contrastive losses.
const VIEWS = {
  yTrue: [0, 1, 2, 0, 1, 2],
  yPred: [[1, 0.2], [0.1, 1], [-1, 0.3], [0.9, 0.1], [0.3, 0.8], [-0.8, -0.2]],
};

interface Item {
  name: string;
  fn: Loss;
  probe?: { yTrue: unknown; yPred: unknown };
  kind: LossOutputKind;
  coupling: SampleCoupling | null;
  singles: SingleSampleRelation | null;
  /** Samples with a non-finite value (their own, or alone for a scalar loss). */
  nonFinite: number[];
  /** Phrases the message must contain. */
  says: RegExp[];
  /** Phrases it must not contain. */
  never: RegExp[];
}

const COUPLED = /couples samples/;
const NOT_ASSESSED = /Weighting and coupling were not assessed/;

const catalogue: Item[] = [
  {
    name: "per-sample MSE (one value per row)",
    fn: rowMse,
    kind: "per-sample",
    coupling: "independent",
    singles: null,
    nonFinite: [],
    says: [/one value per sample \(shape \[4\]\)/, /as Keras losses do/, /multiply each sample's/],
    never: [COUPLED, /NaN/],
  },
  {
    name: "per-element (no reduction over the last axis)",
    fn: (t, p) => tf.square(tf.sub(t, p)),
    kind: "per-element",
    coupling: "independent",
    singles: null,
    nonFinite: [],
    says: [
      /one value per element \(shape \[4, 3\]\)/,
      /not one per sample/,
      /reduce the last axis/,
    ],
    never: [COUPLED],
  },
  {
    name: "batch-mean scalar",
    fn: (t, p) => tf.mean(rowMse(t, p)),
    kind: "scalar",
    coupling: "independent",
    singles: "mean",
    nonFinite: [],
    says: [
      /one number for the whole batch/,
      /can only rescale it/,
      /does not couple samples/,
      /mean of each sample's loss alone/,
      /averaged too early/,
    ],
    never: [COUPLED],
  },
  {
    name: "batch-sum scalar",
    fn: (t, p) => tf.sum(rowMse(t, p)),
    kind: "scalar",
    coupling: "independent",
    singles: "sum",
    nonFinite: [],
    says: [/one number for the whole batch/, /sum of each sample's loss alone/, /batch size/],
    never: [COUPLED],
  },
  {
    name: "per-sample loss divided by the batch's largest loss",
    fn: (t, p) => {
      const m = rowMse(t, p);
      return tf.div(m, tf.max(m));
    },
    kind: "per-sample",
    coupling: "coupled",
    singles: null,
    nonFinite: [],
    says: [/one value per sample/, COUPLED, /batch statistic/, /not\s+independent per-sample/],
    never: [],
  },
  {
    name: "per-sample loss divided by the batch's mean loss",
    fn: (t, p) => {
      const m = rowMse(t, p);
      return tf.div(m, tf.mean(m));
    },
    kind: "per-sample",
    coupling: "coupled",
    singles: null,
    nonFinite: [],
    says: [COUPLED, /weight of 0 does not take a sample out/],
    never: [],
  },
  {
    name: "batch mean divided by the batch's largest loss (scalar)",
    fn: (t, p) => {
      const m = rowMse(t, p);
      return tf.div(tf.mean(m), tf.max(m));
    },
    kind: "scalar",
    coupling: "coupled",
    // Each sample alone gives m/m = 1; the batch value is below 1: neither mean nor sum.
    singles: "neither",
    nonFinite: [],
    says: [COUPLED, /No per-sample array exists whose mean is this loss/, /build weights into/],
    never: [],
  },
  {
    name: "NT-Xent (contrastive, one number)",
    fn: (t, p) => ntXent(t, p, { temperature: 0.5 }),
    probe: VIEWS,
    kind: "scalar",
    coupling: "coupled",
    // A sample alone has no positive: NT-Xent refuses it, so there is no single-sample value.
    singles: null,
    nonFinite: [],
    says: [COUPLED, /contrastive/, /changing the batch size changes the loss/],
    never: [/NaN/],
  },
  {
    name: "NT-Xent per-anchor terms",
    fn: (t, p) => ntXentPerAnchor(t, p),
    probe: VIEWS,
    kind: "per-sample",
    coupling: "coupled",
    singles: null,
    nonFinite: [],
    says: [/one value per sample \(shape \[6\]\)/, COUPLED, /other samples as negatives/],
    never: [],
  },
  {
    name: "always NaN (per sample)",
    fn: (t, p) => tf.mul(rowMse(t, p), NaN),
    kind: "per-sample",
    coupling: null,
    singles: null,
    nonFinite: [0, 1, 2, 3],
    says: [/4 of its 4 values are NaN/, /for every sample of the probe/, NOT_ASSESSED],
    never: [COUPLED, /independent/],
  },
  {
    name: "always NaN (scalar)",
    fn: (t, p) => tf.mul(tf.mean(rowMse(t, p)), NaN),
    kind: "scalar",
    coupling: null,
    singles: null,
    nonFinite: [0, 1, 2, 3],
    says: [/on the probe it is NaN/, /Each sample alone gives NaN too/, NOT_ASSESSED],
    never: [COUPLED, /averaged too early/],
  },
  {
    // log(p − 0.45) of a negative number: NaN for true-class probabilities 0.4 and 0.3.
    name: "NaN for some samples only (per sample)",
    fn: (t, p) => tf.log(tf.sub(trueProb(t, p), 0.45)),
    kind: "per-sample",
    coupling: null,
    singles: null,
    nonFinite: [1, 3],
    says: [/2 of its 4 values are NaN, for samples 1 and 3 only/, /a log of 0/, NOT_ASSESSED],
    never: [COUPLED],
  },
  {
    name: "NaN for some samples only (their batch mean)",
    fn: (t, p) => tf.mean(tf.log(tf.sub(trueProb(t, p), 0.45))),
    kind: "scalar",
    coupling: null,
    singles: null,
    nonFinite: [1, 3],
    says: [
      /it is NaN/,
      /Samples 1 and 3 alone give NaN/,
      /the other samples alone give finite/,
      NOT_ASSESSED,
    ],
    never: [COUPLED],
  },
  {
    // −log(p − 0.3): the true-class probability 0.3 gives −log 0 = Infinity, the others are finite.
    name: "Infinity for one sample",
    fn: (t, p) => tf.neg(tf.log(tf.sub(trueProb(t, p), 0.3))),
    kind: "per-sample",
    coupling: null,
    singles: null,
    nonFinite: [3],
    says: [/1 of its 4 values are Infinity, for sample 3 only/, NOT_ASSESSED],
    never: [COUPLED],
  },
  {
    // (m − mean) / std over the batch: finite on the batch, 0/0 on one sample.
    name: "standardised by the batch's standard deviation",
    fn: (t, p) => {
      const m = rowMse(t, p);
      const centred = tf.sub(m, tf.mean(m));
      return tf.div(centred, tf.sqrt(tf.mean(tf.square(centred))));
    },
    kind: "per-sample",
    coupling: "coupled",
    singles: null,
    nonFinite: [0, 1, 2, 3],
    says: [COUPLED, /On every sample alone \(0, 1, 2 and 3\) the loss is not finite/],
    never: [NOT_ASSESSED],
  },
];

Deno.test("inspectLoss catalogue: each user-written loss is classified and explained", () => {
  for (const item of catalogue) {
    const r = inspectLoss(item.fn, item.probe as never);
    const where = `${item.name}:\n${r.message}`;
    assert.equal(r.kind, item.kind, where);
    assert.equal(r.coupling, item.coupling, `${where}\neffect ${r.couplingEffect}`);
    assert.equal(r.batchOfSingles, item.singles, where);
    assert.deepEqual(r.nonFiniteSamples, item.nonFinite, where);
    assert.equal(
      r.samplesIndependent,
      item.kind === "per-sample" && item.coupling !== null ? item.coupling === "independent" : null,
      where,
    );
    if (item.coupling === "coupled") {
      assert.ok(r.couplingEffect > 100 * r.couplingTolerance, `${where}\na clear effect`);
    }
    // A non-finite loss is reported as such, never measured: no effect, no tolerance.
    const ownNonFinite = item.says.includes(NOT_ASSESSED);
    assert.equal(r.nonFiniteValues > 0, ownNonFinite, where);
    if (ownNonFinite) {
      assert.equal(r.couplingEffect, 0, where);
      assert.ok(Number.isNaN(r.unweightedLoss), where);
    }
    for (const phrase of item.says) assert.match(r.message, phrase, where);
    for (const phrase of item.never) assert.doesNotMatch(r.message, phrase, where);
  }
});

Deno.test("inspectLoss catalogue: values behind the classifications, by hand", () => {
  const perSample = inspectLoss(rowMse);
  assertClose(perSample.singleSampleLosses ?? [], ROW_MSE, 1e-6);
  assertClose(perSample.unweightedLoss, ROW_MSE.reduce((a, b) => a + b) / 4, 1e-6);
  const sum = inspectLoss((t, p) => tf.sum(rowMse(t, p)));
  assertClose(sum.unweightedLoss, ROW_MSE.reduce((a, b) => a + b), 1e-6);
  // mean / max: (Σ ROW_MSE / 4) / (0.86 / 3).
  const byMax = inspectLoss((t, p) => {
    const m = rowMse(t, p);
    return tf.div(tf.mean(m), tf.max(m));
  });
  assertClose(byMax.unweightedLoss, ROW_MSE.reduce((a, b) => a + b) / 4 / (0.86 / 3), 1e-6);
  assertClose(byMax.singleSampleLosses ?? [], [1, 1, 1, 1], 1e-6);
  const someNaN = inspectLoss((t, p) => tf.log(tf.sub(trueProb(t, p), 0.45)));
  assert.equal(someNaN.nonFiniteValues, 2);
  // The finite ones: log(0.7 − 0.45) and log(0.5 − 0.45).
  assertClose(
    [someNaN.singleSampleLosses?.[0] ?? NaN, someNaN.singleSampleLosses?.[2] ?? NaN],
    [Math.log(0.25), Math.log(0.05)],
    1e-4,
  );
});

Deno.test("inspectLoss catalogue: no tensor left behind, whatever the loss returns", async () => {
  await assertNoLeak(() => {
    for (const item of catalogue) inspectLoss(item.fn, item.probe as never);
  });
});
