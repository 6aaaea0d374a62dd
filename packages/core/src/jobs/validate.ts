import { InvalidArgumentError } from "../errors.ts";
import { JOB_CLASSES, type JobClass } from "./types.ts";

/** Throws unless `value` is an integer in [min, max]. */
export function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(name, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** Throws unless `value` is a positive duration in ms. */
export function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(name, "milliseconds > 0", value);
  }
  return value;
}

/** Throws unless `value` is a non-empty string of at most 200 characters. */
export function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 200) {
    throw new InvalidArgumentError(name, "a non-empty string of at most 200 characters", value);
  }
  return value;
}

/** Throws unless `value` is one of {@link JOB_CLASSES}. */
export function jobClass(name: string, value: unknown): JobClass {
  if (!JOB_CLASSES.includes(value as JobClass)) {
    throw new InvalidArgumentError(name, `one of ${JOB_CLASSES.join(", ")}`, value);
  }
  return value as JobClass;
}

/** Throws unless every id is a positive safe integer. */
export function jobIds(name: string, ids: readonly number[]): number[] {
  for (const id of ids) integerIn(name, id, 1, Number.MAX_SAFE_INTEGER);
  return [...ids];
}
