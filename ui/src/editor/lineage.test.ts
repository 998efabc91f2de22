import { describe, expect, it } from "vitest";
import type { ValueStream } from "../bindings";
import { drawLineage, LineageScene } from "./lineage";
import { LIGHT } from "./render";
import { SvgContext, SvgPath } from "./svg";
import { Viewport } from "./viewport";

const map = {
  name: "lineage",
  steps: [],
  flows: [],
  assets: [
    { id: "crm", name: "CRM database", kind: "source", team: "data", lt: "1h", x: 0, y: 0 },
    { id: "features", name: "Customer features", kind: "feature_store", team: "ml", lt: "30m", x: 300, y: 0 },
    { id: "scoring", name: "Scoring endpoint", kind: "endpoint", x: 600, y: 0 },
    { id: "orphan", name: "Old extract", kind: "dataset", x: 300, y: 150 },
  ],
  lineage: [
    { from: "crm", to: "features" },
    { from: "features", to: "scoring" },
    { from: "crm", to: "orphan" },
  ],
} as unknown as ValueStream;

function draw(svg: SvgContext, scale: number): void {
  const scene = new LineageScene();
  scene.build(map, null, []);
  const v = new Viewport();
  v.width = svg.width;
  v.height = svg.height;
  v.scale = scale;
  v.ox = 40;
  v.oy = 40;
  drawLineage(svg as unknown as CanvasRenderingContext2D, v, {
    scene,
    theme: LIGHT,
    selected: null,
    hover: null,
    marks: null,
    touched: null,
    chain: { assets: new Set(["crm", "features", "scoring"]), edges: new Set(["crm>features", "features>scoring"]) },
    teams: new Map([
      ["data", { name: "Data engineering", color: "#0e7490" }],
      ["ml", { name: "ML eng", color: "#7c3aed" }],
    ]),
    links: new Map(),
    unconsumed: new Set(["orphan"]),
    copies: new Set(),
    fresh: new Map([["scoring", 5400]]),
    connecting: null,
  });
}

describe("lineage SVG export", () => {
  it("draws assets, edges, icons and flags as vectors", () => {
    const svg = new SvgContext(1000, 400);
    draw(svg, 1);
    const text = svg.toString();
    for (const name of ["CRM database", "Customer features", "Scoring endpoint", "Old extract"]) expect(text).toContain(`>${name}</text>`);
    // The team under the kind, the flag on the asset nothing reads, the endpoint's freshness.
    expect(text).toContain(">Feature store · ML eng</text>");
    expect(text).toContain(">Inventory</text>");
    expect(text).toMatch(/fresh 1\.5 h<\/text>/);
    // Curved edges (the chain behind the endpoint in the critical colour), arrowheads in one
    // path, rounded boxes (arcs), the team bands' colours.
    expect(text.match(/<path d="M[^"]*C/g)?.length).toBe(2);
    expect(text).toContain(`stroke="${LIGHT.critical}"`);
    expect(text).toMatch(/<path d="(M[\d. ]+L[\d. ]+L[\d. ]+Z){3}"/);
    expect(text).toContain('fill="#0e7490"');
    expect(text).toContain('fill="#7c3aed"');
    expect(text).not.toContain("NaN");
  });

  it("zoomed out, draws the assets as blocks of their team's colour", () => {
    const svg = new SvgContext(400, 200);
    draw(svg, 0.2);
    const text = svg.toString();
    expect(text).not.toContain("</text>");
    // Straight edges; one path per colour of block, the two without a team in one.
    expect(text).toContain(`<path d="M184 35L300 35M484 35L600 35" fill="none" stroke="${LIGHT.critical}"`);
    expect(text).toContain('<path d="M0 0h184v70h-184Z" fill="#0e7490"');
    expect(text).toContain('<path d="M600 0h184v70h-184ZM300 150h184v70h-184Z" fill="#8a9599"');
  });
});

describe("SVG paths", () => {
  it("turn a canvas's rounded rectangles and arcs into path data", () => {
    const p = new SvgPath();
    p.roundRect(0, 0, 100, 40, [10, 0, 0, 10]);
    expect(p.d).toBe("M10 0L100 0L100 0L100 40L100 40L10 40A10 10 0 0 1 0 30L0 10A10 10 0 0 1 10 0Z");
    // Radii larger than the box are scaled down together.
    const q = new SvgPath();
    q.roundRect(0, 0, 40, 20, 20);
    expect(q.d).toBe("M10 0L30 0A10 10 0 0 1 40 10L40 10A10 10 0 0 1 30 20L10 20A10 10 0 0 1 0 10L0 10A10 10 0 0 1 10 0Z");
    // Half an ellipse counter-clockwise from the left goes over the top; a whole turn is two halves.
    const e = new SvgPath();
    e.ellipse(0, 0, 7, 2, 0, Math.PI, 0, true);
    expect(e.d).toBe("M-7 0A7 2 0 0 0 7 0");
    const c = new SvgPath();
    c.moveTo(5, 0);
    c.arc(0, 0, 5, 0, Math.PI * 2);
    expect(c.d).toBe("M5 0L5 0A5 5 0 1 1 -5 0A5 5 0 1 1 5 0");
  });
});
