// Names the app shows for the core's words, declared once.

import type { Waste } from "../bindings";

/** The eight wastes (VSM-REFERENCE section 6), in the reference's order. */
export const WASTES: [Waste, string][] = [
  ["defects", "Defects"],
  ["overproduction", "Overproduction"],
  ["waiting", "Waiting"],
  ["non_utilised_talent", "Non-utilised talent"],
  ["transportation", "Transportation"],
  ["inventory", "Inventory"],
  ["motion", "Motion"],
  ["extra_processing", "Extra processing"],
];

/** A waste category's name ("untagged" for NVA time without tags). */
export function wasteName(k: string): string {
  return WASTES.find(([w]) => w === k)?.[1] ?? (k === "untagged" ? "Untagged NVA" : k);
}
