/**
 * SVG inspection helpers for the chart tests: count the marks vega drew in a named mark group and
 * read a rule's pixel position.
 *
 * @module
 */

/** The inner markup of the first `<g class="mark-TYPE role-mark NAME...">` group. */
export function markGroup(svg: string, type: string, name: string): string | null {
  const open = new RegExp(`<g class="mark-${type} role-mark ${name}[^"]*"[^>]*>`);
  const m = open.exec(svg);
  if (!m) return null;
  // Marks of these types have no nested <g>, so the group closes at the first </g>.
  const start = m.index + m[0].length;
  return svg.slice(start, svg.indexOf("</g>", start));
}

/** How many items (SVG elements) vega drew in the named mark group; 0 when it is missing. */
export function countMarks(svg: string, type: string, name: string): number {
  const g = markGroup(svg, type, name);
  if (g === null) return 0;
  return (g.match(/<(path|line|rect|text)\b/g) ?? []).length;
}

/** The `translate(x,y)` of every item in the named mark group. */
export function markTranslates(svg: string, type: string, name: string): [number, number][] {
  const g = markGroup(svg, type, name) ?? "";
  return [...g.matchAll(/transform="translate\(([-\d.e]+),([-\d.e]+)\)"/g)].map((
    m,
  ) => [Number(m[1]), Number(m[2])]);
}

/** Items drawn in every `<g class="mark-TYPE role-mark NAME...">` group (faceted charts repeat them). */
export function countAllMarks(svg: string, type: string, name: string): number {
  let total = 0, rest = svg;
  for (;;) {
    const open = new RegExp(`<g class="mark-${type} role-mark ${name}[^"]*"[^>]*>`).exec(rest);
    if (!open) return total;
    rest = rest.slice(open.index + open[0].length);
    const body = rest.slice(0, rest.indexOf("</g>"));
    total += (body.match(/<(path|line|rect|text)\b/g) ?? []).length;
  }
}
