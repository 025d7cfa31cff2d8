/**
 * Layers the chart builders share: a rule with a bold label (mean, median, quantiles).
 *
 * @module
 */
import type { VegaLiteSpec } from "./chart.ts";
import { textColor } from "./theme.ts";

/** A labelled rule: where it is, what it says, how it looks. */
export interface RuleDef {
  /** Mark name prefix (`mean_rule` → SVG group `mean_rule_layer_0_marks`). */
  name: string;
  /** Position on the axis, in data units. */
  value: number;
  /** The label drawn beside the rule. */
  label: string;
  /** Colour of rule and label. */
  color: string;
  /** Dash pattern; solid when absent. */
  dash?: number[];
  /** Which channel the rule crosses: `"y"` = horizontal rule, `"x"` = vertical rule. */
  axis: "x" | "y";
  /** Horizontal rules: label above (true) or below. Vertical rules: label's vertical slot (px). */
  above?: boolean;
  /** Vertical rules: label's y position in pixels from the top. */
  labelY?: number;
  /** Horizontal rules: the label's x position in pixels (right-aligned). */
  labelX?: number;
}

/** A self-contained layer (own data) drawing one labelled rule. */
export function ruleLayer(r: RuleDef): VegaLiteSpec {
  const field = { field: "value", type: "quantitative" };
  // The rule keeps the palette colour; its label is the same hue, dark enough to read.
  const ink = textColor(r.color);
  const text = r.axis === "y"
    ? {
      type: "text",
      color: ink,
      align: "right",
      baseline: r.above ? "bottom" : "top",
      dy: r.above ? -3 : 3,
      x: r.labelX ?? 0,
      fontWeight: "bold",
    }
    : {
      type: "text",
      color: ink,
      align: "left",
      baseline: "top",
      dx: 3,
      y: r.labelY ?? 2,
      fontWeight: "bold",
    };
  return {
    name: r.name,
    data: { values: [{ value: r.value, label: r.label }] },
    layer: [
      {
        mark: {
          type: "rule",
          color: r.color,
          strokeWidth: 2,
          ...(r.dash ? { strokeDash: r.dash } : {}),
        },
        encoding: { [r.axis]: field },
      },
      { mark: text, encoding: { [r.axis]: field, text: { field: "label" } } },
    ],
  } as unknown as VegaLiteSpec;
}

/**
 * Evenly spaced picks of `k` indices out of `n`, first and last included (all of them when
 * `n <= k`; only the first when `k` is 1).
 *
 * @example
 * ```ts
 * import { evenPicks } from "./_layers.ts";
 * if (evenPicks(10, 4).join() !== "0,3,6,9") throw new Error("spacing");
 * if (evenPicks(10, 1).join() !== "0") throw new Error("one pick");
 * ```
 */
export function evenPicks(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  if (k <= 1) return k === 1 ? [0] : [];
  return Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1)));
}
