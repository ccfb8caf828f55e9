/**
 * Every failure of the helper says what kind it is; the kind alone decides its JSON-RPC code
 * (protocol/errors.ts) and the CLI's exit code (cli/exit.ts). Its cause stays apart, in `cause`:
 * the one line a person reads is composed in one place (home/storage-errors.ts failureMessage).
 */

/**
 * bad-input: the request cannot be done as asked (a usage mistake, an invalid value);
 * not-found: what it names does not exist; unavailable: nothing answers that could do it (no
 * helper, Headscale not running); conflict: it clashes with what is there (a name taken);
 * denied: not allowed; failed: anything else.
 */
export const ERROR_KINDS = ["bad-input", "not-found", "unavailable", "conflict", "denied", "failed"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const isErrorKind = (value: unknown): value is ErrorKind => (ERROR_KINDS as readonly unknown[]).includes(value);

export interface FailureOptions {
  /** What went wrong underneath, kept apart from the message: failureMessage says it after it. */
  cause?: unknown;
  /** Facts for programs (a client's next step), sent along as the RPC error's data. */
  data?: Record<string, unknown>;
}

/** The base of the helper's own failures: a kind, a short message, and its cause and data apart. */
export class HelperFailure extends Error {
  readonly data?: Record<string, unknown>;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: FailureOptions = {},
  ) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.name = "HelperFailure";
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
