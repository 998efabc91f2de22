import { describe, expect, it } from "vitest";
import type { ValueStream } from "../bindings";
import { deltaView, METRICS } from "./metrics";

const map: ValueStream = { format: "takt", version: 1, name: "m", unit: "wd" };
const m = (key: string) => METRICS.find((x) => x.key === key)!;

describe("a metric's change", () => {
  it("reads as a person writes it: no change, not +0", () => {
    expect(deltaView(m("pce"), { metric: "pce", before: 0.011, after: 0.011, delta: 0 }, map)?.text).toBe("no change");
    expect(deltaView(m("lead_time_s"), { metric: "lead_time_s", before: 100, after: 100, delta: 0 }, map)?.tone).toBe("same");
  });
  it("is in the map's unit, signed, with its share, and says whether it is better", () => {
    const d = deltaView(m("lead_time_s"), { metric: "lead_time_s", before: 14 * 86400, after: 7 * 86400, delta: -7 * 86400 }, map)!;
    expect(d.text).toBe("−5 wd (−50%)");
    expect(d.tone).toBe("good");
    expect(d.exact).toBe("-604,800 s of elapsed time (was 1,209,600 s of elapsed time)");
  });
  it("shows a change too small for the map's unit in one it reads in", () => {
    expect(deltaView(m("lead_time_s"), { metric: "lead_time_s", before: 86400, after: 86440, delta: 40 }, map)?.text).toBe("+40 s (+0.05%)");
  });
  it("gives a small change of a share enough digits", () => {
    expect(deltaView(m("pce"), { metric: "pce", before: 0.01, after: 0.01004, delta: 0.00004 }, map)?.text).toBe("+0.004 pts");
  });
});
