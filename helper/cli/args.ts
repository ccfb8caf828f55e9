/**
 * Argument parsers for commander: each refuses what it cannot take with commander's
 * InvalidArgumentError (a usage mistake, exit 2), in one line. Ports and durations are checked by
 * the protocol's own schemas, so the CLI refuses exactly what the helper would.
 */
import { InvalidArgumentError } from "commander";
import { z } from "zod";
import { MAX_POLICY_BYTES } from "../protocol/methods.js";
import { Duration, Port } from "../protocol/types.js";
import { describeIssues } from "../util/issues.js";

/** A TCP port, written as digits only: "80x", "0" and "70000" are refused, not guessed at. */
export function port(value: string): number {
  const parsed = /^\d{1,5}$/.test(value) ? Port.safeParse(Number(value)) : undefined;
  if (!parsed?.success) {
    throw new InvalidArgumentError(`a port is a whole number from ${Port.minValue} to ${Port.maxValue}`);
  }
  return parsed.data;
}

/** A duration ("90d", "12h") the protocol accepts as `field`; a refusal names the field. */
export function duration(field: string): (value: string) => string {
  const schema = z.object({ [field]: Duration });
  return (value) => {
    const parsed = schema.safeParse({ [field]: value });
    if (!parsed.success) throw new InvalidArgumentError(describeIssues(parsed.error));
    return value;
  };
}

/** A whole number written as digits only ("1e3", "0x10", "1.5" are refused, not misread), up to max. */
export function count(max: number) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
      throw new InvalidArgumentError(`a whole number from 0 to ${max}`);
    }
    return Number(value);
  };
}

/** A policy version: a whole number from 1, as `policy history` lists them. */
export function versionNumber(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError("a version number from `policy history` (1, 2, …)");
  }
  return Number(value);
}

/** A list given as "a,b c": commas or spaces. */
export const list = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

/** The largest policy, as people read it: "512 KiB". */
export const MAX_POLICY_SIZE = `${MAX_POLICY_BYTES / 1024} KiB`;
