/** The one-helper lock's own rules, in this process: take-overs, their step files, odd things in its place. */
import { link, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireHomeLock, HomeInUseError, lockHolder } from "../../helper/home/lock.js";
import { lockSocketPath } from "../../helper/home/lock-socket.js";

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function home(name = "hl-"): Promise<{ home: string; lockPath: string; socket: string }> {
  const dir = await mkdtemp(join(tmpdir(), name));
  made.push(dir);
  const lockPath = join(dir, "state", "helper.pid");
  return { home: dir, lockPath, socket: lockSocketPath(lockPath) };
}

/** A socket file nobody listens on any more, as a SIGKILLed helper leaves it. */
async function staleSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(`${path}.x`, resolve));
  await link(`${path}.x`, path);
  await new Promise<void>((resolve) => server.close(() => resolve())); // removes only the .x name
}

/** A stale socket, and the step file of a starter taking it over (see takeOver in lock.ts). */
async function staleSocketBeingTakenOver(socket: string): Promise<string> {
  await staleSocket(socket);
  const { ino, ctimeNs } = await lstat(socket, { bigint: true });
  const step = `${socket}.takeover-${ino}-${ctimeNs}.0`;
  await writeFile(step, "");
  return step;
}

describe("the home lock", () => {
  it("answers with the holder's pid, records it, and is gone once released", async () => {
    const { home: dir, lockPath, socket } = await home();
    const lock = await acquireHomeLock(lockPath, dir);
    expect(await lockHolder(lockPath)).toBe(process.pid);
    expect(await readFile(lockPath, "utf8")).toBe(String(process.pid));
    await expect(acquireHomeLock(lockPath, dir)).rejects.toThrow(new HomeInUseError(dir, process.pid).message);
    await lock.release();
    expect(await lockHolder(lockPath)).toBeUndefined();
    expect(await readdir(dirname(lockPath))).toEqual([]);
    await expect(lstat(socket)).rejects.toThrow(/ENOENT/);
  });

  it("takes over a stale socket, even past a step file left by a starter that died taking it over", async () => {
    const { home: dir, lockPath, socket } = await home();
    const step = await staleSocketBeingTakenOver(socket);
    const old = new Date(Date.now() - 60_000);
    await utimes(step, old, old);
    const lock = await acquireHomeLock(lockPath, dir);
    expect(await lockHolder(lockPath)).toBe(process.pid);
    // The step files over the stale socket are cleared with it.
    expect((await readdir(dirname(socket))).filter((name) => name.includes("takeover"))).toEqual([]);
    await lock.release();
  });

  it("waits while another starter's fresh step file says it is taking the lock over", async () => {
    const { home: dir, lockPath, socket } = await home();
    const step = await staleSocketBeingTakenOver(socket);
    let taken = false;
    const taking = acquireHomeLock(lockPath, dir).then((lock) => ((taken = true), lock));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(taken).toBe(false);
    // The other starter finishes: it removes the stale socket and its step.
    await rm(socket);
    await rm(step);
    await (await taking).release();
  });

  it("released, removes its own socket, never one put in its place since", async () => {
    const { home: dir, lockPath, socket } = await home();
    const lock = await acquireHomeLock(lockPath, dir);
    await rm(socket);
    await staleSocket(socket); // another helper's, linked in after a clean-up took ours
    await lock.release();
    expect((await lstat(socket)).isSocket()).toBe(true);
    const again = await acquireHomeLock(lockPath, dir); // the stale one is taken over as usual
    await again.release();
    await expect(lstat(socket)).rejects.toThrow(/ENOENT/);
  });

  it("takes over a symbolic link to nothing, or to itself, in the socket's place", async () => {
    for (const target of ["/nonexistent/helper.sock", "self"]) {
      const { home: dir, lockPath, socket } = await home();
      await mkdir(dirname(socket), { recursive: true, mode: 0o700 });
      await symlink(target === "self" ? socket : target, socket);
      const lock = await acquireHomeLock(lockPath, dir);
      expect(await lockHolder(lockPath)).toBe(process.pid);
      await lock.release();
    }
  });

  it("says a folder is in the socket's place, and what to do", async () => {
    const { home: dir, lockPath, socket } = await home();
    await mkdir(socket, { recursive: true });
    await expect(acquireHomeLock(lockPath, dir)).rejects.toThrow(
      `cannot take the helper lock ${socket}: a folder is in its place; remove it`,
    );
  });

  it("keeps the socket of a home too long for one in a private temp folder, removed on release", async () => {
    const { home: dir } = await home();
    const lockPath = join(dir, "x".repeat(120 - dir.length), "state", "helper.pid");
    const socket = lockSocketPath(lockPath);
    expect(dirname(dirname(socket))).toBe(tmpdir());
    expect(basename(dirname(socket))).toMatch(/^hsr-[0-9a-f]{12}$/);
    const lock = await acquireHomeLock(lockPath, dir);
    expect((await lstat(dirname(socket))).mode & 0o777).toBe(0o700);
    expect(await lockHolder(lockPath)).toBe(process.pid);
    await lock.release();
    await expect(lstat(dirname(socket))).rejects.toThrow(/ENOENT/);
  });
});
