/**
 * The helper's socket and its folder must be this user's. With a long home path the socket
 * lives in a folder of the shared temp dir whose name anyone can work out: another local user
 * could plant that folder, or a symbolic link to one of ours they later repoint, and listen there.
 * So the helper refuses to listen, and clients refuse to send a byte, unless the folder is a real
 * one (not a link) owned by us and closed to others, and the socket is ours.
 */
import { chmod, lstat, mkdir, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { DIR_MODE } from "./secure-fs.js";
import { HelperFailure } from "../util/failure.js";

/** A socket or socket folder that is not provably ours; the message says which and why, in one line. */
export class SocketOwnerError extends HelperFailure {
  constructor(message: string) {
    super("denied", message);
    this.name = "SocketOwnerError";
  }
}

const uid = () => process.getuid?.();

/** Why `info` (of `path`, a folder or socket that must be ours) is not acceptable; undefined when it is. */
export function ownershipProblem(
  path: string,
  info: Stats,
  kind: "folder" | "socket",
  closed: boolean,
): string | undefined {
  if (info.isSymbolicLink()) return `${path} is a symbolic link, which another user could point elsewhere`;
  if (kind === "folder" && !info.isDirectory()) return `${path} is not a folder`;
  if (kind === "socket" && !info.isSocket()) return `${path} is not a socket`;
  const me = uid();
  if (me !== undefined && info.uid !== me) return `${path} belongs to another user (uid ${info.uid})`;
  if (closed && (info.mode & 0o077) !== 0) {
    return `${path} is open to other users (mode ${(info.mode & 0o777).toString(8).padStart(4, "0")})`;
  }
  return undefined;
}

const refuse = (problem: string, advice: string) => new SocketOwnerError(`${problem}: refusing to use it; ${advice}`);
/** A home path too long for a socket puts its folder in the temp dir: only there does a shorter one help. */
const folderAdvice = (inHome: boolean) =>
  inHome ? "use a home folder of your own" : "remove it, or use a shorter home path";

/**
 * Before the helper listens: the socket folder made 0700, or, when it exists, checked. The home
 * itself may be a folder the user shares on purpose, so only a temp folder must be closed.
 */
export async function ensureSocketDir(socketPath: string, home: string): Promise<void> {
  const dir = dirname(socketPath);
  const inHome = dir === home;
  try {
    await mkdir(dir, { mode: DIR_MODE }); // not recursive: its parent is the home or the temp dir
    await chmod(dir, DIR_MODE); // mkdir's mode is masked by the umask
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // The home may be a link the user made on purpose; the temp folder may not be one.
  const problem = ownershipProblem(dir, await (inHome ? stat(dir) : lstat(dir)), "folder", !inHome);
  if (problem) throw refuse(problem, folderAdvice(inHome));
}

/**
 * Before a client sends a byte: the socket's folder and the socket must be ours, and a folder in
 * the temp dir closed to others. A socket that is not there is no problem of this kind (no helper
 * runs); connecting will say so.
 */
export async function checkSocketOwner(socketPath: string): Promise<void> {
  const dir = dirname(socketPath);
  // The folder socketPath() makes for a long home (hsr-<hash> in the temp dir) must be a real,
  // closed folder; a home may be a link or shared on purpose, as the helper allows.
  const tempFolder = dirname(dir) === tmpdir() && /^hsr-[0-9a-f]{12}$/.test(basename(dir));
  const folder = await (tempFolder ? lstat(dir) : stat(dir)).catch(() => undefined);
  if (!folder) return;
  const folderProblem = ownershipProblem(dir, folder, "folder", tempFolder);
  if (folderProblem) throw refuse(folderProblem, folderAdvice(!tempFolder));
  const socket = await lstat(socketPath).catch(() => undefined);
  if (!socket) return;
  const socketProblem = ownershipProblem(socketPath, socket, "socket", false);
  if (socketProblem) throw refuse(socketProblem, "remove it");
}
