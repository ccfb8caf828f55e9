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
import {
  describeIssues,
  ErrorCode,
  methods,
  type MethodName,
  type ParsedParamsOf,
  type ResultOf,
} from "../protocol/schema.js";
import { ensurePrivateDir } from "../home/secure-fs.js";

/** What a handler knows about the connection that called it. */
export interface Connection {
  notify(method: string, params: unknown): void;
  /** One slot per connection for a follow subscription's unsubscribe function; called when it closes. */
  follow?: () => void;
}

export type Handlers = {
  [M in MethodName]: (params: ParsedParamsOf<M>, connection: Connection) => Promise<ResultOf<M>> | ResultOf<M>;
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
          `invalid params for ${name}: ${describeIssues(parsed.error)}`,
          ErrorCode.InvalidParams,
        );
      }
      const handler = handlers[name] as (p: unknown, c: Connection) => unknown;
      return handler(parsed.data, connection);
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
      socket.write(encodeFrame(message));
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
