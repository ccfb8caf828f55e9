import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcAdmin } from "../../helper/headscale/grpc/grpc-admin.js";
import { retireOldApiKey } from "../../helper/headscale/retire-api-key.js";

// The happy path (expired in a real Headscale, file gone) is in test/integration/admin.test.ts.
describe("retiring the API key an earlier helper left", () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), "hsr-retire-"))));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const unreachable = () => new GrpcAdmin(() => join(dir, "no-headscale.sock"), 2000);

  it("keeps the file while Headscale cannot be reached, to try again at its next start", async () => {
    const file = join(dir, "api-key.json");
    const stored = JSON.stringify({ key: `hskey-api-${"a".repeat(12)}-${"b".repeat(32)}` });
    await writeFile(file, stored, { mode: 0o600 });
    const admin = unreachable();
    await expect(retireOldApiKey(file, admin)).rejects.toThrow(/did not answer ExpireApiKey/);
    admin.close();
    expect(await readFile(file, "utf8")).toBe(stored);
  });

  it("removes a file that holds no key, without asking Headscale anything", async () => {
    const file = join(dir, "damaged.json");
    await writeFile(file, "{ not json", { mode: 0o600 });
    const admin = unreachable(); // would fail the call if one were made
    await retireOldApiKey(file, admin);
    admin.close();
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("does nothing when there is no such file", async () => {
    const admin = unreachable();
    await expect(retireOldApiKey(join(dir, "absent.json"), admin)).resolves.toBeUndefined();
    admin.close();
  });
});
