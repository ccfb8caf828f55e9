import { link, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RotatingFile } from "../../helper/logs/rotating-file.js";

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("RotatingFile", () => {
  it("rotates past the cap, keeps one old file and reads back the newest lines", async () => {
    dir = await mkdtemp(join(tmpdir(), "hr-rot-"));
    const path = join(dir, "x.log");
    const file = new RotatingFile(path, 1000);
    for (let i = 0; i < 300; i++) file.write(`line ${String(i).padStart(4, "0")}`);
    await file.close();
    expect((await stat(path)).size).toBeLessThanOrEqual(1000);
    expect((await stat(path + ".1")).size).toBeLessThanOrEqual(1000);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const last = await RotatingFile.lastLines(path, 5);
    expect(last).toEqual(["line 0295", "line 0296", "line 0297", "line 0298", "line 0299"]);
    const all = await RotatingFile.lastLines(path, 10_000);
    expect(all.length).toBeLessThan(300); // older lines were dropped
    expect(all).toEqual([...all].sort());
    expect(await readFile(path, "utf8")).toMatch(/line 0299\n$/);
  });

  it("never writes through a link: a symlinked or hard-linked log is replaced by a private file (#25)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hr-log-"));
    const outside = join(dir, "outside.log");
    await writeFile(outside, "someone else's\n", { mode: 0o644 });
    for (const plant of [symlink, link]) {
      const path = join(dir, `headscale-${plant.name}.log`);
      await plant(outside, path);
      const file = new RotatingFile(path);
      file.write("a line about the tailnet");
      await file.close();
      expect(await readFile(outside, "utf8")).toBe("someone else's\n");
      expect(await readFile(path, "utf8")).toBe("a line about the tailnet\n");
      const info = await stat(path);
      expect([info.mode & 0o777, info.nlink]).toEqual([0o600, 1]);
    }
    // A FIFO in its place would block a plain open for ever.
    const fifo = join(dir, "headscale-fifo.log");
    execFileSync("mkfifo", [fifo]);
    const file = new RotatingFile(fifo);
    file.write("not stuck");
    await file.close();
    expect(await readFile(fifo, "utf8")).toBe("not stuck\n");
    await rm(dir, { recursive: true, force: true });
  });
});
