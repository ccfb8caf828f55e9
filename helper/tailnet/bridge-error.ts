/** What the bridge could not do, of the kind that decides the error code a client gets. */
import { HelperFailure, type ErrorKind, type FailureOptions } from "../util/failure.js";

export class BridgeError extends HelperFailure {
  constructor(message: string, kind: ErrorKind = "unavailable", options?: FailureOptions) {
    super(kind, message, options);
    this.name = "BridgeError";
  }
}
