/** What a bridge request got wrong: the helper turns the kind into its error code. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly kind: "bad-input" | "not-found" | "unavailable" = "unavailable",
  ) {
    super(message);
    this.name = "BridgeError";
  }
}
