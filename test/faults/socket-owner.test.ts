/**
 * Another local user standing in for the helper: with a long home path the sockets live in a
 * temp folder whose name anyone can work out. A planted folder, or a symbolic link to one of
 * ours, must be refused by the helper before it listens and by a client before it sends a byte.
 * Needs root (to make a folder another user owns).
 */
import { chown, mkdir, mkdtemp, rm, symlink, chmod } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { homePaths } from "../../helper/home/paths.js";
import { startDaemon } from "../../helper/daemon/daemon.js";
import { runCli } from "../support/fixtures.js";

const NOBODY = 65534;
let base: string;
let home: string;
let socketDir: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "hr-own-"));
  // Long enough that the sockets move to the temp dir.
  home = join(base, "a-home-folder-with-a-name-long-enough-that-its-socket-path-cannot-fit-in-104-bytes");
  socketDir = dirname(homePaths(home, tmpdir()).helperSocket);
  expect(dirname(socketDir)).toBe(tmpdir());
});
afterEach(async () => {
  await rm(socketDir, { recursive: true, force: true });
  await rm(base, { recursive: true, force: true });
});

const refusal = (work: Promise<unknown>) =>
  work.then(
    (daemon) => {
      void (daemon as { close?: () => Promise<void> }).close?.();
      return "started";
    },
    (error: Error) => error.message,
  );

describe("the helper's socket folder in the temp dir", () => {
  it("a symbolic link planted there is refused before the helper listens", async (context) => {
    if (process.getuid?.() !== 0) return context.skip();
    const ours = join(base, "ours");
    await mkdir(ours, { mode: 0o700 });
    await symlink(ours, socketDir);
    const message = await refusal(startDaemon({ home, autoStart: false }));
    expect(message).toBe(
      `${socketDir} is a symbolic link, which another user could point elsewhere: refusing to use it; remove it, or use a shorter home path`,
    );
  });

  it("a folder another user made, or one open to others, is refused", async (context) => {
    if (process.getuid?.() !== 0) return context.skip();
    await mkdir(socketDir, { mode: 0o700 });
    await chown(socketDir, NOBODY, NOBODY);
    expect(await refusal(startDaemon({ home, autoStart: false }))).toMatch(
      new RegExp(`^${socketDir} belongs to another user \\(uid ${NOBODY}\\): refusing`),
    );
    await chown(socketDir, 0, 0);
    await chmod(socketDir, 0o755);
    expect(await refusal(startDaemon({ home, autoStart: false }))).toMatch(/is open to other users \(mode 0755\)/);
  });

  it("a client sends nothing to a socket in a planted folder", async (context) => {
    if (process.getuid?.() !== 0) return context.skip();
    // Another user's folder, linked where our socket folder goes, with a listener in it.
    const theirs = join(base, "theirs");
    await mkdir(theirs, { mode: 0o755 });
    await symlink(theirs, socketDir);
    let received = 0;
    const listener: Server = createServer((socket) => socket.on("data", (chunk) => (received += chunk.length)));
    await new Promise<void>((resolve) => listener.listen(join(theirs, "helper.sock"), resolve));
    try {
      const result = await runCli(home, ["stop"]);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr.trim()).toBe(
        `headscale-remote: ${socketDir} is a symbolic link, which another user could point elsewhere: refusing to use it; remove it, or use a shorter home path`,
      );
      expect(received).toBe(0);
    } finally {
      listener.close();
    }
  });
});
