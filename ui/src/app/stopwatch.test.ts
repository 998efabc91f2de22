import { describe, expect, it } from "vitest";
import type { Step, ValueStream } from "../bindings";
import { median, samplesOf, Stopwatch, studyOp } from "./stopwatch";

const map: ValueStream = { format: "takt", version: 4, name: "m" };

describe("the stopwatch", () => {
  it("times each lap from the one before, and only while it runs", () => {
    let t = 1000;
    const w = new Stopwatch(() => t);
    expect(w.lap()).toBeNull();
    w.start("a");
    t += 12_400;
    expect(w.lap()).toBeCloseTo(12.4);
    t += 9_000;
    expect(w.current()).toBeCloseTo(9);
    expect(w.lap()).toBeCloseTo(9);
    expect(w.on("a")).toBe(true);
    expect(w.on("b")).toBe(false);
    w.stop();
    expect(w.lap()).toBeNull();
  });
});

describe("a time study", () => {
  it("makes the median the process time, its range min to max, marked measured, in one edit", () => {
    const step: Step = { id: "a", name: "Label", pt: "20s", lt: "1min", provenance: { lt: "estimated" } };
    const op = studyOp(step, [12.4, 9, 15.04], map);
    expect(op.op).toBe("update");
    const s = (op as { record: { step: Step } }).record.step;
    expect(s.samples).toEqual(["12.4s", "9s", "15s"]);
    expect(s.pt).toBe("12.4s");
    expect(s.pt_range).toEqual({ min: "9s", likely: "12.4s", max: "15s" });
    expect(s.provenance).toEqual({ lt: "estimated", pt: "measured" });
    expect(s.lt).toBe("1min");
    expect(samplesOf(s, map)).toEqual([12.4, 9, 15]);
  });
  it("raises a lead time under the new process time to it, and clears the study with no samples", () => {
    const step: Step = { id: "a", name: "Label", pt: "5s", lt: "8s", lt_range: { min: "6s", max: "9s" } };
    const s = (studyOp(step, [10, 12], map) as { record: { step: Step } }).record.step;
    expect(s.pt).toBe("11s");
    expect(s.lt).toBe("11s");
    expect(s.lt_range).toBeNull();
    expect(studyOp(step, [], map)).toEqual({ op: "set", key: { kind: "step", id: "a" }, field: "samples", value: null });
  });
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("a lap", () => {
  it("is built from the step as it is at the edit's turn, and a lap shorter than a key's repeat is none", async () => {
    let t = 0;
    const w = new Stopwatch(() => t);
    let step: Step = { id: "a", name: "Label", samples: ["10s"] };
    const made: unknown[] = [];
    const host = {
      edit: async (build: () => unknown) => {
        // Another edit lands first: a second sample already there when this one's turn comes.
        step = { ...step, samples: ["10s", "11s"] };
        made.push(build());
        return true;
      },
      step: () => step,
      map: () => map,
      changed: () => {},
    };
    const { lap } = await import("./stopwatch");
    w.start("a");
    t += 30;
    await lap("a", w, host as never);
    expect(made).toEqual([]);
    t += 12_000;
    await lap("a", w, host as never);
    expect((made[0] as { record: { step: Step } }).record.step.samples).toEqual(["10s", "11s", "12s"]);
  });
});
