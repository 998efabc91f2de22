import { describe, expect, it } from "vitest";
import type { ValueStream } from "../bindings";
import { fixFor } from "./panels";

const map: ValueStream = {
  format: "takt",
  version: 4,
  name: "m",
  steps: [
    { id: "a", name: "Review" },
    { id: "b", name: "Review" },
    { id: "c", name: "Review (2)" },
    { id: "s", name: "Vendor", kind: "supplier", pt: "1h" },
  ],
  flows: [{ from: "a", to: "b", wip: 4.2, limit: 3 }],
};

describe("a warning's one-click fix", () => {
  it("numbers a shared name past the numbers taken", () => {
    const f = fixFor({ code: "duplicate_name", element: { kind: "step", id: "b" }, message: "" }, map);
    expect(f).toEqual({ label: "Rename to 'Review (3)'", op: { op: "set", key: { kind: "step", id: "b" }, field: "name", value: "Review (3)" } });
  });
  it("clears a supplier's times, makes a gate of a step with gate details, raises a WIP limit to hold the queue", () => {
    expect(fixFor({ code: "endpoint_times", element: { kind: "step", id: "s" }, message: "" }, map)?.op).toEqual({
      op: "batch",
      ops: ["pt", "lt", "pt_range", "lt_range"].map((field) => ({ op: "set", key: { kind: "step", id: "s" }, field, value: null })),
    });
    expect(fixFor({ code: "gate_details_on_step", element: { kind: "step", id: "a" }, message: "" }, map)?.label).toBe("Make it a gate");
    expect(fixFor({ code: "over_wip_limit", element: { kind: "flow", id: "a>b" }, message: "" }, map)?.op).toEqual({ op: "set", key: { kind: "flow", id: "a>b" }, field: "limit", value: 5 });
  });
  it("offers none where a person must choose", () => {
    expect(fixFor({ code: "no_team", element: { kind: "step", id: "a" }, message: "" }, map)).toBeNull();
    expect(fixFor({ code: "wip_without_demand", element: { kind: "map" }, message: "" }, map)).toBeNull();
  });
});
