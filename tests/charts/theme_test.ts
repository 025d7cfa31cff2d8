import { assert, assertThrowsWith } from "../assert.ts";
import {
  CHART_COLORS,
  chartConfig,
  contrastRatio,
  MIN_TEXT_CONTRAST,
  textColor,
} from "../../lib/charts/theme.ts";

// WCAG 2 relative luminance, written out here from the definition (sRGB, then 0.2126 R +
// 0.7152 G + 0.0722 B), independently of theme.ts.
function luminance(hex: string): number {
  const lin: number[] = [];
  for (let i = 1; i < 7; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    lin.push(c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
  }
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}
function ratio(a: string, b: string): number {
  const la = luminance(a), lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

Deno.test("contrastRatio: black on white is 21:1, a colour on itself 1:1, order does not matter", () => {
  // (1 + 0.05) / (0 + 0.05) = 21.
  assert.equal(contrastRatio("#000000", "#ffffff"), 21);
  assert.equal(contrastRatio("#0072B2", "#0072B2"), 1);
  assert.equal(contrastRatio("#ffffff", "#777777"), contrastRatio("#777777", "#ffffff"));
  // #777777 on white is the classic just-below-AA grey: 1.05 / (0.1845 + 0.05) ≈ 4.48.
  assert.ok(Math.abs(contrastRatio("#777777", "#ffffff") - ratio("#777777", "#ffffff")) < 1e-12);
  assert.ok(contrastRatio("#777777", "#ffffff") < 4.5);
  assertThrowsWith(
    () => contrastRatio("white", "#ffffff"),
    TypeError,
    'contrastRatio: a is "white", expected a colour as #rrggbb',
  );
  assertThrowsWith(() => textColor("#fff"), TypeError, 'textColor: color is "#fff"');
});

Deno.test("textColor: every palette colour as label text reads at 4.5:1 on white and on the range grey", () => {
  const colours = [
    CHART_COLORS.marks,
    CHART_COLORS.mean,
    CHART_COLORS.median,
    CHART_COLORS.highlight,
    CHART_COLORS.muted,
    ...CHART_COLORS.categories,
  ];
  for (const c of colours) {
    const ink = textColor(c);
    for (const bg of ["#ffffff", CHART_COLORS.range]) {
      assert.ok(ratio(ink, bg) >= 4.5, `${c} -> ${ink} on ${bg}: ${ratio(ink, bg).toFixed(2)}`);
    }
    // The same hue: every channel scaled by the same factor (to rounding), never lightened.
    const ch = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const [a, b] = [ch(c), ch(ink)];
    const k = Math.max(...a) === 0 ? 1 : Math.max(...b) / Math.max(...a);
    for (let i = 0; i < 3; i++) {
      assert.ok(b[i] <= a[i] && Math.abs(b[i] - a[i] * k) <= 1.5, `${c} -> ${ink} changes hue`);
    }
  }
  // Already dark enough: unchanged. Vermillion (#D55E00, 3.9:1 on white) is darkened.
  assert.equal(textColor("#000000"), "#000000");
  assert.ok(ratio("#D55E00", "#ffffff") < 4.5);
  assert.notEqual(textColor("#D55E00").toLowerCase(), "#d55e00");
  assert.equal(MIN_TEXT_CONTRAST, 4.5);
});

Deno.test("chartConfig: sets every colour vega-themes' dark theme sets, text at 4.5:1 on its background", () => {
  // vega-themes src/theme-dark.ts (2.12.1 to 3.0.0) sets exactly these; JupyterLab's and VS Code's
  // renderers merge it under the spec's config, so each must be set by the spec itself.
  const c = chartConfig() as Record<string, Record<string, unknown> | string>;
  const get = (path: string) =>
    path.split(".").reduce<unknown>(
      (o, k) => (o as Record<string, unknown> | undefined)?.[k],
      c,
    );
  const themed = [
    "background",
    "view.stroke",
    "title.color",
    "title.subtitleColor",
    "style.guide-label.fill",
    "style.guide-title.fill",
    "axis.domainColor",
    "axis.gridColor",
    "axis.tickColor",
  ];
  for (const path of themed) assert.ok(get(path) !== undefined, `config.${path} is not set`);
  const bg = get("background") as string;
  for (
    const path of [
      "title.color",
      "title.subtitleColor",
      "style.guide-label.fill",
      "style.guide-title.fill",
      "axis.labelColor",
      "axis.titleColor",
      "legend.labelColor",
      "legend.titleColor",
      "header.labelColor",
      "header.titleColor",
    ]
  ) {
    const color = get(path) as string;
    assert.ok(ratio(color, bg) >= 4.5, `config.${path} ${color} on ${bg}`);
  }
});
