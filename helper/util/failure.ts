/**
 * Every failure of the helper says what kind it is; the kind alone decides its JSON-RPC code
 * (protocol/errors.ts) and the CLI's exit code (cli/exit.ts). Its cause stays apart, in `cause`;
 * the one line a person reads ("message: cause") is composed here, by HelperFailure, and any
 * other error is said by util/storage-errors.ts failureMessage.
 */
import { failureMessage } from "./storage-errors.js";

/**
 * bad-input: the request cannot be done as asked (a usage mistake, an invalid value);
 * not-found: what it names does not exist; unavailable: nothing answers that could do it (no
 * helper, Headscale not running); conflict: it clashes with what is there (a name taken);
 * denied: not allowed; failed: anything else.
 */
export const ERROR_KINDS = ["bad-input", "not-found", "unavailable", "conflict", "denied", "failed"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const isErrorKind = (value: unknown): value is ErrorKind => (ERROR_KINDS as readonly unknown[]).includes(value);

export interface FailureOptions {
  /**
   * What went wrong underneath. It is kept apart, and the message says it after its own words
   * ("could not X: <the cause's one line>"), composed here and nowhere else.
   */
  cause?: unknown;
  /** The message already says the cause in its own words (a friendlier one): kept, not said again. */
  causeSaid?: boolean;
  /** Facts for programs (a client's next step), sent along as the RPC error's data. */
  data?: Record<string, unknown>;
}

/**
 * The base of the helper's own failures: a kind, a short message, its cause and data apart.
 * `message` is the whole line a person reads (short message, then the cause's), as execa's is.
 */
export class HelperFailure extends Error {
  /** The failure's own words, without its cause's. */
  readonly shortMessage: string;
  readonly data?: Record<string, unknown>;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: FailureOptions = {},
  ) {
    const { cause } = options;
    const said = cause === undefined || options.causeSaid;
    super(said ? message : `${message}: ${failureMessage(cause)}`, cause === undefined ? undefined : { cause });
    this.name = "HelperFailure";
    this.shortMessage = message;
    if (options.data) this.data = options.data;
  }
}

/**
 * The kind of any failure that says one (a HelperFailure, or any error with a valid `kind`);
 * undefined for one that does not: an unexpected error, our own bug.
 */
export function kindOf(error: unknown): ErrorKind | undefined {
  const kind = (error as { kind?: unknown } | null | undefined)?.kind;
  return error instanceof Error && isErrorKind(kind) ? kind : undefined;
}

/** Something asked for does not exist: a plain line instead of Headscale's own words. */
export class NotFoundError extends HelperFailure {
  constructor(message: string, options?: FailureOptions) {
    super("not-found", message, options);
    this.name = "NotFoundError";
  }
}

/** The request cannot be done as asked: the caller must change it. */
export class BadInputError extends HelperFailure {
  constructor(message: string, options?: FailureOptions) {
    super("bad-input", message, options);
    this.name = "BadInputError";
  }
}

/** The request clashes with what is there (a name taken): the caller must choose otherwise. */
export class ConflictError extends HelperFailure {
  constructor(message: string, options?: FailureOptions) {
    super("conflict", message, options);
    this.name = "ConflictError";
  }
}
