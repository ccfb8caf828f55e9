/**
 * JSON-RPC 2.0 over a Unix socket, one newline-delimited JSON frame per message.
 * json-rpc-2.0 does the protocol (batches, parse errors, unknown methods); this file
 * adds the socket, the params validation from the protocol module, and error mapping.
 */
import { chmod, rm } from "node:fs/promises";
import { createConnection, createServer, type Socket } from "node:net";
import { dirname } from "node:path";
import {
  createJSONRPCErrorResponse,
  createJSONRPCNotification,
  JSONRPCErrorException,
  JSONRPCServer,
  type JSONRPCID,
} from "json-rpc-2.0";
import { encodeFrame, readFrames } from "../protocol/framing.js";
import { ErrorCode } from "../protocol/errors.js";
import { methods, type MethodName, type ParsedParamsOf, type SentResultOf } from "../protocol/methods.js";
import { describeIssues } from "../util/issues.js";
import { ensurePrivateDir } from "../home/secure-fs.js";

/** What a handler knows about the connection that called it. */
export interface Connection {
  notify(method: string, params: unknown): void;
  /** One slot per connection for a follow subscription's unsubscribe function; called when it closes. */
  follow?: () => void;
}

/**
 * An answer already serialized, as UTF-8 bytes, written as they are. A listing Headscale sends
 * unchanged is answered with the bytes made for it last time (see `answeredOnce`): neither
 * serialized nor encoded again, and no megabyte-sized string left behind for the collector.
 */
export class JsonAnswer<T> {
  declare private readonly of: T;
  constructor(readonly bytes: Buffer) {}
  /** Inside a batch, where the answer is serialized with others. */
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString("utf8"));
  }
}

/**
 * `serialize` (to a result's JSON) run once per source, its answer reused: a source given again
 * is the same object only when it is unchanged (a listing kept because Headscale sent the same
 * bytes again; see GrpcAdmin.listNodes).
 */
export function answeredOnce<S extends object, T>(serialize: (source: S) => string): (source: S) => JsonAnswer<T> {
  const answers = new WeakMap<S, JsonAnswer<T>>();
  return (source) => {
    let answer = answers.get(source);
    if (!answer) {
      answer = new JsonAnswer(Buffer.from(serialize(source), "utf8"));
      answers.set(source, answer);
    }
    return answer;
  };
}

type Answer<M extends MethodName> = SentResultOf<M> | JsonAnswer<SentResultOf<M>>;

export type Handlers = {
  [M in MethodName]: (params: ParsedParamsOf<M>, connection: Connection) => Promise<Answer<M>> | Answer<M>;
};

/** Turns any thrown error into a JSON-RPC error; the helper decides codes, the client shows messages. */
export type ErrorMapper = (error: unknown) => { code: number; message: string; data?: unknown };

/** A client that stops reading while we push to it is dropped past this much unsent data. */
const MAX_PENDING_WRITE = 8 * 1024 * 1024;

export interface RpcServer {
  close(): Promise<void>;
}

export async function startRpcServer(
  socketPath: string,
  handlers: Handlers,
  mapError: ErrorMapper,
  /** Called as each call ends, answered or failed. */
  afterCall: () => void = () => {},
): Promise<RpcServer> {
  const rpc = new JSONRPCServer<Connection>({ errorListener: () => {} });
  rpc.mapErrorToJSONRPCErrorResponse = (id: JSONRPCID, error: unknown) => {
    if (error instanceof JSONRPCErrorException)
      return createJSONRPCErrorResponse(id, error.code, error.message, error.data);
    const { code, message, data } = mapError(error);
    return createJSONRPCErrorResponse(id, code, message, data);
  };
  for (const name of Object.keys(methods) as MethodName[]) {
    rpc.addMethod(name, async (params: unknown, connection: Connection) => {
      const parsed = methods[name].params.safeParse(params ?? undefined);
      if (!parsed.success) {
        throw new JSONRPCErrorException(
          // In the words of what the person gave: no method name, and config.set's settings by their own names.
          describeIssues(parsed.error).replace(/(^|; )patch(\.|: )/g, "$1"),
          ErrorCode.InvalidParams,
        );
      }
      const handler = handlers[name] as (p: unknown, c: Connection) => unknown;
      try {
        return await handler(parsed.data, connection);
      } finally {
        afterCall();
      }
    });
  }

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const send = (message: unknown) => {
      if (socket.destroyed) return;
      if (socket.writableLength > MAX_PENDING_WRITE) {
        socket.destroy();
        return;
      }
      const result = (message as { result?: unknown }).result;
      if (!(result instanceof JsonAnswer)) {
        socket.write(encodeFrame(message));
        return;
      }
      // One frame from three pieces, in one write once uncorked.
      socket.cork();
      socket.write(`{"jsonrpc":"2.0","id":${JSON.stringify((message as { id: JSONRPCID }).id)},"result":`);
      socket.write(result.bytes);
      socket.write("}\n");
      socket.uncork();
    };
    const connection: Connection = {
      notify: (method, params) => send(createJSONRPCNotification(method, params)),
    };
    socket.on("error", () => {}); // a client vanishing mid-answer is its business
    socket.on("close", () => {
      sockets.delete(socket);
      connection.follow?.();
    });
    readFrames(socket, {
      onFrame: (text) => {
        rpc.receiveJSON(text, connection).then(
          // json-rpc-2.0 unwraps a batch with one answer; JSON-RPC 2.0 wants it in an array.
          (response) => response && send(!Array.isArray(response) && isNonEmptyBatch(text) ? [response] : response),
          () => send(createJSONRPCErrorResponse(null, ErrorCode.Internal, "internal error")),
        );
      },
      onOversize: () =>
        send(createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, "frame larger than 1 MiB; dropped")),
    });
  });
  // With up to 1 MiB buffered per unfinished frame, this bounds what clients can make us hold.
  server.maxConnections = 256;

  await ensurePrivateDir(dirname(socketPath));
  await removeStaleSocket(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);

  return {
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await rm(socketPath, { force: true });
    },
  };
}

function isNonEmptyBatch(text: string): boolean {
  if (!text.trimStart().startsWith("[")) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.length > 0;
  } catch {
    return false;
  }
}

/** A socket file nobody answers on is left from a helper that died; a live one is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (alive) throw new Error(`another process is serving ${path}`);
  await rm(path, { force: true });
}
