/**
 * The typed client for the helper's socket: what the CLI, the Raycast commands and any
 * local service use. Every call has a timeout; every result is checked against the
 * protocol's schema.
 */
import { createConnection, type Socket } from "node:net";
import { checkSocketOwner } from "../home/socket-dir.js";
import { JSONRPCClient, createJSONRPCErrorResponse, type JSONRPCID, type JSONRPCResponse } from "json-rpc-2.0";
import { encodeFrame, readFrames } from "../protocol/framing.js";
import {
  BRIDGE_UP_WAIT_MS,
  MAX_ANSWER_BYTES,
  methods,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from "../protocol/methods.js";
import { LogLine } from "../protocol/types.js";
import { describeIssues } from "../util/issues.js";
import { HelperFailure } from "../util/failure.js";
import { kindOfCode } from "../protocol/errors.js";

/** How long a call waits for its answer unless told otherwise. */
export const CALL_TIMEOUT_MS = 15_000;
/** For starting or restarting Headscale: its own readiness wait is 60 s, and a restart stops it first. */
export const LIFECYCLE_TIMEOUT_MS = 90_000;

/** No helper answers on the socket: not started, or it died. */
export class HelperUnavailableError extends HelperFailure {
  constructor(
    readonly socketPath: string,
    readonly reason: string,
  ) {
    super("unavailable", `the Headscale Remote helper is not running (${reason} on ${socketPath})`);
    this.name = "HelperUnavailableError";
  }
}

/**
 * A helper this client launched did not come up. Its own reason leads, and no advice to start one:
 * that was just tried.
 */
export class HelperStartError extends HelperUnavailableError {
  constructor(socketPath: string, reason: string, options?: ErrorOptions) {
    super(socketPath, reason);
    this.message = `the helper could not start: ${reason}`;
    this.name = "HelperStartError";
    if (options) this.cause = options.cause;
  }
}

/** The helper answered with an error: `code` is one of the protocol's ErrorCode values, and says its kind. */
export class HelperError extends HelperFailure {
  constructor(
    message: string,
    readonly code: number,
    data?: unknown,
  ) {
    super(kindOfCode(code), message, { data: data as Record<string, unknown> | undefined });
    this.name = "HelperError";
  }
}

/**
 * No answer in time. The message leaves the method out: a person knows the command they ran.
 * A failure, not "unavailable": a helper is there (it took the call), and the call may yet take effect.
 */
export class HelperTimeoutError extends HelperFailure {
  constructor(
    readonly method: string,
    timeoutMs: number,
  ) {
    super("failed", `the helper did not answer within ${timeoutMs / 1000} s; it may be busy: try again`);
    this.name = "HelperTimeoutError";
  }
}

/** Marks a call's own timeout apart from any answer a helper could send. */
const TIMED_OUT = Symbol("timed out");

/** Calls that wait for something slow by design: Headscale's readiness, the tailnet node's join. */
const SLOW_METHODS: Partial<Record<MethodName, number>> = {
  "headscale.start": LIFECYCLE_TIMEOUT_MS,
  "headscale.restart": LIFECYCLE_TIMEOUT_MS,
  "bridge.up": BRIDGE_UP_WAIT_MS + CALL_TIMEOUT_MS,
  "bridge.identity": BRIDGE_UP_WAIT_MS + CALL_TIMEOUT_MS,
};

export interface CallOptions {
  /** Default 15 s; starting Headscale can take longer, so those calls pass more. */
  timeoutMs?: number;
}

export class HelperClient {
  private readonly rpc: JSONRPCClient;
  private readonly logListeners = new Set<(line: LogLine) => void>();
  private closed = false;
  private lastId = 0;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
  ) {
    this.rpc = new JSONRPCClient((request) => {
      socket.write(encodeFrame(request));
    });
    readFrames(
      socket,
      {
        onFrame: (text) => this.receive(text),
        onOversize: () => socket.destroy(new Error("the helper sent an answer over 256 MiB")),
      },
      MAX_ANSWER_BYTES,
    );
    socket.on("close", () => {
      this.closed = true;
      this.rpc.rejectAllPendingRequests("the helper closed the connection");
    });
  }

  static async connect(socketPath: string, connectTimeoutMs = 2000): Promise<HelperClient> {
    // Nothing is sent to a socket another user could stand in for (see home/socket-dir.ts).
    await checkSocketOwner(socketPath);
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new HelperUnavailableError(socketPath, "no answer"));
      }, connectTimeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        socket.on("error", () => {}); // surfaced through 'close' and rejected calls
        resolve(new HelperClient(socket, socketPath));
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new HelperUnavailableError(socketPath, error.code ?? error.message));
      });
    });
  }

  private receive(text: string): void {
    let message: { id?: unknown; method?: string; params?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    // An error for no request in particular (a request too big to read): it answers what is pending.
    const error = (message as { error?: { message?: string } }).error;
    if (message.id === null && error) {
      this.rpc.rejectAllPendingRequests(`the helper refused the request: ${error.message ?? "no reason given"}`);
      return;
    }
    if (message.method === "logs.line" && message.id === undefined) {
      const line = LogLine.safeParse(message.params);
      if (line.success) for (const listener of this.logListeners) listener(line.data);
      return;
    }
    this.rpc.receive(message as JSONRPCResponse);
  }

  async call<M extends MethodName>(method: M, params?: ParamsOf<M>, options: CallOptions = {}): Promise<ResultOf<M>> {
    if (this.closed) throw new HelperUnavailableError(this.socketPath, "connection closed");
    const timeoutMs = options.timeoutMs ?? SLOW_METHODS[method] ?? CALL_TIMEOUT_MS;
    // json-rpc-2.0's own timeout also forgets the pending call, so a late answer finds nothing.
    const timedOut = (id: JSONRPCID) => createJSONRPCErrorResponse(id, 0, "", TIMED_OUT);
    const response = await this.rpc
      .timeout(timeoutMs, timedOut)
      .requestAdvanced({ jsonrpc: "2.0", id: ++this.lastId, method, params });
    if (response.error?.data === TIMED_OUT) throw new HelperTimeoutError(method, timeoutMs);
    if (response.error) throw new HelperError(response.error.message, response.error.code, response.error.data);
    const parsed = methods[method].result.safeParse(response.result);
    if (!parsed.success)
      throw new HelperError(`unexpected answer from the helper: ${describeIssues(parsed.error)}`, -32603);
    return parsed.data as ResultOf<M>;
  }

  /** Streams new log lines to `listener` until the returned function is called or the client closes. */
  async followLogs(listener: (line: LogLine) => void): Promise<() => Promise<void>> {
    this.logListeners.add(listener);
    await this.call("logs.follow");
    return async () => {
      this.logListeners.delete(listener);
      if (!this.closed) await this.call("logs.unfollow");
    };
  }

  /** False once either side has closed the connection. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs `listener` once the connection is gone, whoever closed it. */
  onClose(listener: () => void): void {
    if (this.socket.destroyed) listener();
    else this.socket.once("close", listener);
  }

  close(): void {
    this.closed = true;
    this.socket.end();
  }
}

/** Connects, makes one call, disconnects: the shape of almost every Raycast command. */
export async function callHelper<M extends MethodName>(
  socketPath: string,
  method: M,
  params?: ParamsOf<M>,
  options?: CallOptions,
): Promise<ResultOf<M>> {
  const client = await HelperClient.connect(socketPath);
  try {
    return await client.call(method, params, options);
  } finally {
    client.close();
  }
}
