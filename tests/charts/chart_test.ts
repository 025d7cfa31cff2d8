import { assert, assertThrowsWith } from "../assert.ts";
import {
  Chart,
  compileSpec,
  rasterizeSVG,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
} from "../../lib/charts/chart.ts";
import { perSampleChart } from "../../lib/charts/per_sample.ts";

const spec = {
  data: { values: [{ sample: 0, loss: 1 }, { sample: 1, loss: 3 }] },
  mark: "bar" as const,
  encoding: {
    x: { field: "sample", type: "ordinal" as const },
    y: { field: "loss", type: "quantitative" as const },
  },
};

Deno.test("Chart: the bundle has exactly the four MIME types, no text/html", async () => {
  const chart = new Chart(spec, { summary: "two samples" });
  const bundle = await chart.toBundle();
  assert.deepEqual(
    Object.keys(bundle).sort(),
    [
      VEGA_LITE_MIME,
      "image/png",
      "image/svg+xml",
      "text/plain",
    ].sort(),
  );
  // The saved spec names its schema; the bundle's does not (its MIME type says Vega-Lite 5, and
  // vega-embed 7 warns about a `$schema` of another major version than its own).
  assert.equal(chart.toSpec().$schema, VEGA_LITE_SCHEMA);
  assert.ok(!("$schema" in bundle[VEGA_LITE_MIME]));
  assert.equal(bundle["text/plain"], "two samples");
  // PNG magic number (PNG spec): 89 50 4E 47 0D 0A 1A 0A.
  const png = Uint8Array.from(atob(bundle["image/png"]), (c) => c.charCodeAt(0));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // The PNG has the SVG's pixel size: width/height are big-endian at bytes 16..23 (IHDR).
  const view = new DataView(png.buffer, png.byteOffset);
  const svg = bundle["image/svg+xml"];
  const w = Number(/width="(\d+)"/.exec(svg)![1]), h = Number(/height="(\d+)"/.exec(svg)![1]);
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [w, h]);
  const display = await (chart as unknown as Record<symbol, () => Promise<unknown>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.deepEqual(Object.keys(display as object).sort(), Object.keys(bundle).sort());
});

Deno.test("Chart: a background set in the config is stated at the top level too", () => {
  // VS Code's renderer skips its dark theme only for a spec with a top-level background.
  const withConfig = new Chart({ ...spec, config: { background: "#fafafa" } }, { summary: "s" });
  assert.equal((withConfig.toSpec() as { background?: string }).background, "#fafafa");
  const own = new Chart({ ...spec, background: "#000000", config: { background: "#fafafa" } }, {
    summary: "s",
  });
  assert.equal((own.toSpec() as { background?: string }).background, "#000000");
  const none = new Chart(spec, { summary: "s" });
  assert.ok(!("background" in none.toSpec()));
});

Deno.test("Chart: SVG is deterministic across charts and runs", async () => {
  // Gradients and clip paths take ids from a global counter in vega; they must be reset.
  const withGradient = {
    data: { values: [{ x: 1, y: 1, v: 0 }, { x: 2, y: 2, v: 1 }] },
    mark: "rect" as const,
    encoding: {
      x: { field: "x", type: "ordinal" as const },
      y: { field: "y", type: "ordinal" as const },
      color: { field: "v", type: "quantitative" as const },
    },
  };
  const a = await new Chart(withGradient, { summary: "a" }).toSVG();
  await new Chart(spec, { summary: "other" }).toSVG();
  const b = await new Chart(withGradient, { summary: "b" }).toSVG();
  assert.equal(a, b);
  const losses = [0.5, 0.1, 2, 0.3];
  assert.equal(await perSampleChart(losses).toSVG(), await perSampleChart(losses).toSVG());
});

Deno.test("Chart.save: svg, png, vl.json, and an offline interactive html", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = perSampleChart([1, 2, 6], { ids: ["a", "b", "c"] });
    await chart.save(`${dir}/c.svg`);
    await chart.save(`${dir}/c.vl.json`);
    await chart.save(`${dir}/c.png`);
    await chart.save(`${dir}/c.html`);
    assert.ok((await Deno.readTextFile(`${dir}/c.svg`)).startsWith("<svg"));
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/c.vl.json`)), chart.toSpec());
    assert.equal((await Deno.readFile(`${dir}/c.png`))[1], 0x50);
    const html = await Deno.readTextFile(`${dir}/c.html`);
    // No external resources in the page's own markup (the inlined libraries are code, not
    // requests): no element with src or href, no <link>, no CSS @import or url().
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, "<script></script>");
    for (const bad of [/\bsrc=/i, /\bhref=/i, /<link\b/i, /@import/i, /url\(/i]) {
      assert.ok(!bad.test(markup), `page markup matches ${bad}`);
    }
    // vega, vega-lite and vega-embed are inlined, with their versions, and the spec is embedded.
    assert.ok(html.includes('version="5.33.0"') || html.includes("5.33.0"), "vega inlined");
    assert.ok(html.includes("vegaEmbed(") && html.includes("5.23.0"), "vega-lite, vega-embed");
    assert.ok(html.includes("mean 3"), "static SVG fallback with the mean label");
    // Exactly 4 script elements (3 libraries + the embed call); none closed early by inlined text.
    assert.equal(html.match(/<script>/g)?.length, 4);
    assert.equal(html.match(/<\/script>/g)?.length, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Chart: bad arguments are named", async () => {
  assertThrowsWith(() => new Chart(spec, { summary: " " }), RangeError, "options.summary");
  const chart = new Chart(spec, { summary: "s" });
  await assert.rejects(() => chart.save("/tmp/x.pdf"), (e: Error) => {
    return e instanceof RangeError && e.message.includes('Chart.save: path is "/tmp/x.pdf"');
  });
  await assert.rejects(
    () => rasterizeSVG("<svg/>", { scale: 0 }),
    (e: Error) => e instanceof RangeError && e.message.includes("rasterizeSVG: options.scale is 0"),
  );
  assertThrowsWith(
    () => compileSpec({ ...spec, encoding: { shape: { field: "sample", type: "nominal" } } }),
    Error,
    "compileSpec: vega-lite warned",
  );
});
