/**
 * Each form field's own check, for useForm: a mistake shows on its field as soon as the field is
 * left, and nothing is sent while one stands. Worded as the helper's schemas word them, since
 * the helper would refuse the same values for the same reasons. Pure: no Raycast.
 */
import type { ZodType } from "zod";
import { methods } from "../../helper/client/index.js";
import { findAuthId, parsePort, parseTags } from "./view-model.js";

/** Undefined when the value is fine, else what to change. */
export type Check = (value: unknown) => string | undefined;

/** The first reason a schema gives, or undefined when the value passes. */
export function firstIssue(schema: ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

export const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/**
 * A field that must be filled in. Unlike FormValidation.Required, spaces alone do not count:
 * every form trims what it sends.
 */
export function required(check: (typed: string) => string | undefined = () => undefined, missing = "Required"): Check {
  return (value) => (text(value) ? check(text(value)) : missing);
}

/** A field that may stay empty, checked once something is typed. */
export function optional(check: (typed: string) => string | undefined): Check {
  return (value) => (text(value) ? check(text(value)) : undefined);
}

const params = {
  userName: methods["users.create"].params.shape.name,
  nodeName: methods["nodes.rename"].params.shape.name,
  nodeTags: methods["nodes.tag"].params.shape.tags,
  keyTags: methods["preAuthKeys.create"].params.shape.tags,
  expiration: methods["preAuthKeys.create"].params.shape.expiration,
};

export const userName = required((name) => firstIssue(params.userName, name));
export const nodeName = required((name) => firstIssue(params.nodeName, name));
/** Setting tags replaces them, and Headscale 0.29 has no way to clear them. */
const NO_TAGS = "Give at least one tag: Headscale 0.29 cannot untag a node";
export const nodeTags = required(
  (typed) => (parseTags(typed).length === 0 ? NO_TAGS : firstIssue(params.nodeTags, parseTags(typed))),
  NO_TAGS,
);
export const keyTags = optional((typed) => firstIssue(params.keyTags, parseTags(typed)));
export const expiration = optional((typed) => firstIssue(params.expiration, typed));

const portProblem = (typed: string) => {
  const port = parsePort(typed);
  return port instanceof Error ? port.message : undefined;
};
export const requiredPort = required(portProblem);
export const optionalPort = optional(portProblem);

export const NO_REGISTRATION = "Paste the URL the device printed (…/register/hskey-authreq-…) or the key in it";
export const registration = required((typed) => (findAuthId(typed) ? undefined : NO_REGISTRATION), NO_REGISTRATION);
