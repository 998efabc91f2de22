import { describe, expect, it } from "vitest";
import type { Calendar, Unit } from "../bindings";
import { figure, fmtElapsed, fmtPercent, fmtWorking, plural } from "./format";
import shared from "../../../crates/takt-core/tests/data/time-formats.json";

interface Case {
  seconds: number;
  unit: Unit | null;
  calendar: Calendar;
  elapsed: string;
  working: string;
}

// Written by the core's tests (crates/takt-core/tests/units.rs) from its own formatter: the
// CLI, the warnings, the app and the exports write one text for one figure.

const cases = shared.times as Case[];

describe("time figures", () => {
  it("are written as the core writes them, for every unit and calendar", () => {
    expect(cases.length).toBeGreaterThan(100);
    for (const c of cases) {
      const clock = { unit: c.unit, calendar: c.calendar };
      expect(fmtElapsed(c.seconds, clock), `${c.seconds} s elapsed in ${c.unit}`).toBe(c.elapsed);
      expect(fmtWorking(c.seconds, clock), `${c.seconds} s working in ${c.unit}`).toBe(c.working);
    }
  });

  it("show elapsed time in working days through the calendar, and working time in days of its hours", () => {
    const wd = { unit: "wd" as const, calendar: { hours_per_day: 8, days_per_week: 5 } };
    // The sample: a lead time of 55.5 calendar days, a takt of 43.3 working hours.
    expect(fmtElapsed(55.5 * 86400, wd)).toBe("39.6 wd");
    expect(fmtWorking(43.33 * 3600, wd)).toBe("5.42 wd");
    expect(fmtWorking(6 * 3600, { unit: "d", calendar: null })).toBe("0.75 wd");
  });

  it("round ties away from zero", () => {
    expect(figure(0.125)).toBe("0.13");
    expect(figure(-0.125)).toBe("-0.13");
    expect(figure(100.5)).toBe("101");
  });
});

describe("the kind of each time metric", () => {
  it("is the core's: working time for takt and process times, elapsed for the rest", async () => {
    const { METRICS } = await import("../app/metrics");
    const kinds = shared.metrics as { [m: string]: string };
    const times = METRICS.filter((m) => m.kind === "elapsed" || m.kind === "working");
    expect(times.length).toBeGreaterThan(2);
    for (const m of times) expect(m.kind, m.key).toBe(kinds[m.key]);
  });
});

describe("shares and counts", () => {
  it("are written as the core writes them", () => {
    for (const c of shared.shares) {
      expect(fmtPercent(c.share), `${c.share}`).toBe(c.text);
      expect(fmtPercent(c.share, 0), `${c.share}`).toBe(c.whole);
    }
  });
  it("keep a small share from reading as zero", () => {
    expect(fmtPercent(0.000046)).toBe("0.0046%");
    expect(fmtPercent(0.123)).toBe("12.3%");
    expect(fmtPercent(0.5)).toBe("50%");
    expect(fmtPercent(0)).toBe("0%");
    expect(fmtPercent(1)).toBe("100%");
  });
  it("say one thing and many things", () => {
    expect(plural(1, "step")).toBe("1 step");
    expect(plural(0, "step")).toBe("0 steps");
    expect(plural(2, "item")).toBe("2 items");
    expect(plural(1200, "step")).toBe("1,200 steps");
  });
});

describe("grouped thousands", () => {
  it("writes what en-GB's toLocaleString writes", async () => {
    const { grouped } = await import("./format");
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -1000, -987654321]) expect(grouped(n)).toBe(n.toLocaleString("en-GB"));
  });
});
