/**
 * The socket the one-helper lock is made of: where it lives, how it is put in place already
 * listening, and how another process asks it who holds it.
 *
 * While the helper lives, the kernel keeps its socket listening; once the helper is gone
 * (SIGKILL, power loss) a connect is refused, whichever process has its pid by then.
 */
import { createHash, randomBytes } from "node:crypto";
import { link, lstat, rm } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MAX_SOCKET_PATH } from "./paths.js";

const LOCK_NAME = "helper.lock";
/** The temp name a lock socket listens on before it is linked in: `.` and 8 hex digits. */
const TEMP_SUFFIX_BYTES = 9;
/** How long a holder that accepted a probe has to say its pid (it may be busy; it is alive all the same). */
const ANSWER_MS = 2_000;

/**
 * The lock socket beside the PID record `lockPath` (in `state/`), or, when that path is too long
 * for a socket, in a private folder of the temp dir named after the record's folder.
 */
export function lockSocketPath(lockPath: string, tmpDir = tmpdir()): string {
  const dir = dirname(lockPath);
  const inPlace = join(dir, LOCK_NAME);
  if (Buffer.byteLength(inPlace) + TEMP_SUFFIX_BYTES <= MAX_SOCKET_PATH) return inPlace;
  const tag = createHash("sha256").update(dir).digest("hex").slice(0, 12);
  return join(tmpDir, `hsr-${tag}`, LOCK_NAME);
}

/** A lock socket this process listens on; it answers each connection with this process's pid. */
export interface LockServer {
  close(): Promise<void>;
}

/**
 * Puts a listening socket at `path` if nothing is there: it listens under a temp name first and
 * is then hard-linked in (exclusive, as creating a file is), so the lock never exists without
 * answering. Undefined when something is in `path`'s place already.
 */
export async function linkLockSocket(path: string): Promise<LockServer | undefined> {
  const temp = `${path}.${randomBytes(4).toString("hex")}`;
  const server = await listen(temp).catch((error: NodeJS.ErrnoException) => {
    error.path = path; // a full disk, say: the error names the lock, not its temp name
    throw error;
  });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  try {
    await link(temp, path);
    return { close };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      await close();
      return undefined;
    }
    // A filesystem without hard links: listen in place (a probe in the instant between its bind
    // and listen would find it refusing, the one thing linking rules out).
    await close();
    try {
      const inPlace = await listen(path);
      return { close: () => new Promise<void>((resolve) => inPlace.close(() => resolve())) };
    } catch (inPlaceError) {
      if ((inPlaceError as NodeJS.ErrnoException).code === "EADDRINUSE") return undefined;
      throw inPlaceError;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

async function listen(path: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    socket.end(`${process.pid}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  // The helper's other work keeps it running; the lock alone must not.
  server.unref();
  return server;
}

/** What is at a lock socket's path: its holder, a socket (or other file) nobody answers on, or nothing. */
export type Probe =
  { state: "held"; pid: number | undefined } | { state: "stale"; file: BigIntStats } | { state: "gone" };

/**
 * Asks the socket at `path` who holds it. The file is looked at before connecting, so a "stale"
 * answer names the very file that refused (see takeOver in lock.ts).
 */
export async function probe(path: string, options: { askPid?: boolean } = {}): Promise<Probe> {
  const file = await lstat(path, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!file) return { state: "gone" };
  return new Promise<Probe>((resolve, reject) => {
    const socket = createConnection(path);
    let said = "";
    const held = () => {
      socket.destroy();
      const pid = Number.parseInt(said, 10);
      resolve({ state: "held", pid: Number.isInteger(pid) && pid > 0 ? pid : undefined });
    };
    socket.once("connect", () => {
      if (options.askPid === false) return held();
      socket.setTimeout(ANSWER_MS, held);
      socket.on("data", (chunk: Buffer) => (said += chunk.toString("utf8")));
      socket.once("end", held);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      // Refused: no process listens there any more, or it is no socket at all (a symbolic link to
      // nothing, or to itself, included: something is in the lock's place, and nobody answers).
      // Reset: its holder died while it had our connection queued (a SIGKILL a moment ago).
      if (["ECONNREFUSED", "ENOTSOCK", "ENOENT", "ELOOP", "ECONNRESET"].includes(error.code ?? "")) {
        resolve({ state: "stale", file });
      }
      // Its queue of connections is full: busy, and alive.
      else if (error.code === "EAGAIN") resolve({ state: "held", pid: undefined });
      else reject(error);
    });
  });
}
