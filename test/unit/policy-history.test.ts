import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KEPT_VERSIONS, PolicyHistory } from "../../helper/policy/policy-history.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hr-policy-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("policy history", () => {
  it("numbers versions, skips a repeat of the newest, and keeps them private", async () => {
    const history = new PolicyHistory(join(dir, "history"));
    expect(await history.list()).toEqual([]);
    expect(await history.add("{}")).toBe(1);
    expect(await history.add("{}")).toBe(1);
    expect(await history.add('{"acls":[]}')).toBe(2);
    expect(await history.read(1)).toBe("{}");
    expect((await history.list()).map((v) => [v.version, v.bytes])).toEqual([
      [1, 2],
      [2, 11],
    ]);
    expect((await stat(join(dir, "history"))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, "history", "000001.hujson"))).mode & 0o777).toBe(0o600);
  });

  it(`keeps the newest ${KEPT_VERSIONS}, and never reuses a number`, async () => {
    const history = new PolicyHistory(dir);
    for (let i = 1; i <= KEPT_VERSIONS + 5; i++) await history.add(`// ${i}`);
    const versions = (await history.list()).map((v) => v.version);
    expect(versions).toHaveLength(KEPT_VERSIONS);
    expect(versions[0]).toBe(6);
    expect(await history.read(5)).toBeUndefined();
    expect(await history.add("// new")).toBe(KEPT_VERSIONS + 6);
  });
});
