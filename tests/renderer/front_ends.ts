/**
 * The front ends that draw the Vega-Lite part of a chart's bundle, as the renderer test reproduces
 * them: which vega, vega-lite and vega-embed each one loads (pinned as import-map aliases in
 * deno.json, so `deno install` puts them in node_modules/), how it decides on a dark theme, and
 * the background its output area has. The embed calls themselves are in `page.js`, copied option
 * for option from the front ends' sources:
 *
 * - JupyterLab 4.4–4.6: `packages/vega5-extension/src/index.ts` (`RenderedVega.renderModel`), whose
 *   yarn.lock resolves vega 5.33.0, vega-lite 5.6.1 and vega-embed 6.21.3. It sets
 *   `theme: "dark"` whenever `document.body.dataset.jpThemeLight === "false"`, whatever the spec
 *   says, and embeds with `actions: true, defaultStyle: true, mode: "vega-lite"` and vega-embed 6's
 *   default renderer, canvas.
 * - VS Code: microsoft/vscode-notebook-renderers `src/client/vegaRenderer.ts` (the same file in
 *   release v1.3.0, which bundles vega-lite 5.23.0 / vega-embed 6.29.0, and on main, which bundles
 *   vega 6.2.0 / vega-lite 6.4.1 / vega-embed 7.1.0). It sets `theme: "dark"` only when
 *   `document.body.dataset.vscodeThemeKind` contains "dark" and the spec has no top-level
 *   `background`; actions are export only; vega-embed 7's default renderer is SVG.
 *
 * @module
 */

const NODE_MODULES = new URL("../../node_modules/.deno/", import.meta.url).pathname;

/** One npm package version, as the import map pins it. */
interface Pinned {
  name: "vega" | "vega-lite" | "vega-embed";
  version: string;
}

/** A front end the test draws charts in. */
export interface FrontEnd {
  /** Key the page script dispatches on (`lab` or `vscode`). */
  kind: "lab" | "vscode";
  /** For messages and screenshot names. */
  name: string;
  /** The vega stack it loads, in load order. */
  packages: Pinned[];
  /** The output area's background colour in its light and dark theme. */
  background: { light: string; dark: string };
}

/** The three front ends of the issue: JupyterLab 4.4–4.6, VS Code's renderer v1.3.0 and its main. */
export const FRONT_ENDS: readonly FrontEnd[] = [
  {
    kind: "lab",
    name: "jupyterlab-4.4",
    packages: [
      { name: "vega", version: "5.33.0" },
      { name: "vega-lite", version: "5.6.1" },
      { name: "vega-embed", version: "6.21.3" },
    ],
    // --jp-layout-color0 of @jupyterlab/theme-light-extension and theme-dark-extension.
    background: { light: "#ffffff", dark: "#111111" },
  },
  {
    kind: "vscode",
    name: "vscode-renderers-1.3.0",
    packages: [
      { name: "vega", version: "5.33.0" },
      { name: "vega-lite", version: "5.23.0" },
      { name: "vega-embed", version: "6.29.0" },
    ],
    // editor.background of VS Code's Light Modern and Dark Modern themes.
    background: { light: "#ffffff", dark: "#1f1f1f" },
  },
  {
    kind: "vscode",
    name: "vscode-renderers-main",
    packages: [
      { name: "vega", version: "6.2.0" },
      { name: "vega-lite", version: "6.4.1" },
      { name: "vega-embed", version: "7.1.0" },
    ],
    background: { light: "#ffffff", dark: "#1f1f1f" },
  },
];

const BUILD_FILE = {
  "vega": "vega.min.js",
  "vega-lite": "vega-lite.min.js",
  "vega-embed": "vega-embed.min.js",
} as const;

/**
 * The path of a pinned package's UMD build (`build/*.min.js`, which sets `vega`, `vegaLite` and
 * `vegaEmbed` on the page), from Deno's node_modules layout.
 */
export function buildPath(p: Pinned): string {
  const path = `${NODE_MODULES}${p.name}@${p.version}/node_modules/${p.name}/build/${
    BUILD_FILE[p.name]
  }`;
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `renderer test: ${path} is missing; run \`deno install\` (the import map pins ` +
        `${p.name}@${p.version} as a renderer-* alias)`,
    );
  }
  return path;
}
