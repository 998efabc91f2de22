// The core's commands, as promises that resolve to data or throw the core's error.

import { commands, type AppError } from "./bindings";

export class CoreError extends Error {
  constructor(readonly error: AppError) {
    super("message" in error ? error.message : "no document is open");
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

export async function call<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (r.status === "error") throw new CoreError(r.error);
  return r.data;
}

export { commands };
