/**
 * One error scheme: a failure's kind decides its JSON-RPC code, the client reads the kind back
 * from the code, and the CLI's exit code comes from the kind alone.
 */
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { HelperError, HelperTimeoutError, HelperUnavailableError } from "../../helper/client/helper-client.js";
import { exitCodeFor, KIND_EXIT } from "../../helper/cli/exit.js";
import { ConfigError } from "../../helper/config/settings-store.js";
import { NotRunningError, toRpcError } from "../../helper/daemon/errors.js";
import { HeadscaleNotFoundError } from "../../helper/headscale/binary.js";
import { HeadscaleStartError } from "../../helper/headscale/start-error.js";
import { failureMessage } from "../../helper/util/storage-errors.js";
import { INSTALL_COMMAND } from "../../helper/project.js";
import { AddonMissingError } from "../../helper/tailnet/addon.js";
import { ErrorCode, KIND_CODE, kindOfCode } from "../../helper/protocol/errors.js";
import {
  BadInputError,
  ConflictError,
  ERROR_KINDS,
  HelperFailure,
  kindOf,
  NotFoundError,
  type ErrorKind,
} from "../../helper/util/failure.js";

/** The README's exit codes, per kind. */
const README_EXIT: Record<ErrorKind, number> = {
  "bad-input": 2,
  conflict: 2,
  "not-found": 3,
  unavailable: 4,
  denied: 1,
  failed: 1,
};

describe("kind → RPC code → kind → exit code", () => {
  it("gives each kind its own code in JSON-RPC's server range, bad input being InvalidParams", () => {
    const codes = ERROR_KINDS.map((kind) => KIND_CODE[kind]);
    expect(new Set(codes).size).toBe(ERROR_KINDS.length);
    for (const kind of ERROR_KINDS) {
      const code = KIND_CODE[kind];
      if (kind === "bad-input") expect(code).toBe(ErrorCode.InvalidParams);
      else expect(code >= -32099 && code <= -32000, `${kind}: ${code}`).toBe(true);
    }
    // Kept from before: clients already knew these numbers.
    expect([KIND_CODE.unavailable, KIND_CODE.failed, KIND_CODE["not-found"]]).toEqual([-32000, -32001, -32003]);
  });

  it.each(ERROR_KINDS)("%s: through the helper and back, the kind and the README's exit code hold", (kind) => {
    const sent = toRpcError(new HelperFailure(kind, "it went wrong"));
    const received = new HelperError(sent.message, sent.code, sent.data);
    expect(received.kind).toBe(kind);
    expect(exitCodeFor(received)).toBe(README_EXIT[kind]);
    expect(KIND_EXIT[kind]).toBe(README_EXIT[kind]);
  });

  it("reads the standard codes: an unreadable request is bad input, anything else a failure", () => {
    expect(kindOfCode(ErrorCode.InvalidRequest)).toBe("bad-input");
    expect(kindOfCode(ErrorCode.InvalidParams)).toBe("bad-input");
    expect(kindOfCode(ErrorCode.Internal)).toBe("failed");
    expect(kindOfCode(ErrorCode.MethodNotFound)).toBe("failed");
    expect(kindOfCode(-32005)).toBe("failed"); // retired (BridgeUnavailable)
  });

  it("sends an error of no kind as Internal, and the CLI exits 1 for it", () => {
    const sent = toRpcError(new Error("a bug"));
    expect(sent).toEqual({ code: ErrorCode.Internal, message: "a bug" });
    expect(exitCodeFor(new HelperError(sent.message, sent.code))).toBe(1);
    expect(exitCodeFor(new Error("a bug"))).toBe(1);
  });

  it("takes the kind of any error that says a valid one, as the bridge's errors do", () => {
    const bridgeLike = Object.assign(new Error("tailnet port 80 is not forwarded"), { kind: "not-found" });
    expect(toRpcError(bridgeLike).code).toBe(ErrorCode.NotFound);
    const notAKind = Object.assign(new Error("x"), { kind: "invalid" });
    expect(toRpcError(notAKind).code).toBe(ErrorCode.Internal);
  });

  it("gives the helper's failures their kinds", () => {
    expect(kindOf(new NotRunningError("stopped", null, false))).toBe("unavailable");
    expect(kindOf(new NotFoundError("no node with id 9"))).toBe("not-found");
    expect(kindOf(new BadInputError("x"))).toBe("bad-input");
    expect(kindOf(new ConflictError("a user named a already exists"))).toBe("conflict");
    expect(kindOf(new ConfigError("invalid settings"))).toBe("bad-input");
    expect(kindOf(new HeadscaleNotFoundError([]))).toBe("failed");
  });

  it("exits by the kind on the client's side too", () => {
    expect(exitCodeFor(new HelperUnavailableError("/tmp/x.sock", "ENOENT"))).toBe(4);
    expect(exitCodeFor(new HelperTimeoutError("nodes.list", 15_000))).toBe(1);
    expect(exitCodeFor(new InvalidArgumentError("--yes is missing"))).toBe(2);
  });
});

describe("data and cause", () => {
  it("sends a failure's data along: not running, and whether it restarts", () => {
    expect(toRpcError(new NotRunningError("crashed", "Headscale exited (code 1)", true))).toEqual({
      code: ErrorCode.Unavailable,
      message: "Headscale is not running: exited (code 1)",
      data: { state: "crashed", restarting: true },
    });
  });

  it("a start that found no Headscale offers the download, with the log tail", () => {
    const cause = new HeadscaleNotFoundError(["/nowhere/headscale"]);
    const sent = toRpcError(new HeadscaleStartError(["a line"], cause, cause.message));
    expect(sent).toMatchObject({ code: ErrorCode.Failed, data: { logTail: ["a line"], needsHeadscale: true } });
    expect(sent.message).toBe(cause.message); // said once
  });

  it("a helper without the addon fails (exit 1) and offers its install command, as one without Headscale does", () => {
    const sent = toRpcError(new AddonMissingError("missing.node is missing"));
    expect(sent).toMatchObject({ code: ErrorCode.Failed, data: { installCommand: INSTALL_COMMAND } });
    expect(exitCodeFor(new HelperError(sent.message, sent.code, sent.data))).toBe(1);
  });

  it("says the cause after the failure's own words, once, in one place", () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      path: "/home/h/policies/3.hujson",
    });
    const failure = new HelperFailure("failed", "the policy is applied, but no copy could be kept", { cause: full });
    expect(failure.shortMessage).toBe("the policy is applied, but no copy could be kept");
    expect(failure.cause).toBe(full);
    expect(failureMessage(failure)).toBe(
      "the policy is applied, but no copy could be kept: /home/h/policies/3.hujson cannot be written: no space left on the disk",
    );
    expect(toRpcError(failure).message).toBe(failureMessage(failure));
    const said = new HelperFailure("failed", "no network (ENETUNREACH)", { cause: full, causeSaid: true });
    expect(failureMessage(said)).toBe("no network (ENETUNREACH)");
  });
});
