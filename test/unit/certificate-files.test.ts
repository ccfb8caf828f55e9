import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCertificateFiles } from "../../helper/config/certificate-files.js";
import { certificateCases, createTestCa } from "../../testkit/test-ca.js";

const HOST = "hs.test.internal";
let dir: string;
let cases: Awaited<ReturnType<typeof certificateCases>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hr-cert-"));
  cases = await certificateCases(await createTestCa(dir), HOST);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("certificate files", () => {
  it("a good certificate gives its name, issuer and end", async () => {
    const summary = await checkCertificateFiles({ ...cases.good, hostname: HOST });
    expect(summary.name).toBe(HOST);
    expect(summary.issuer).toMatch(/test CA/);
    expect(summary.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it("each bad kind is one line naming the file and the reason", async () => {
    const refusal = (files: { certPath: string; keyPath: string }) =>
      checkCertificateFiles({ ...files, hostname: HOST }).then(
        () => "accepted",
        (error: Error) => error.message,
      );
    expect(await refusal(cases.expired)).toMatch(new RegExp(`^${cases.expired.certPath}: the certificate expired on `));
    expect(await refusal(cases.wrongName)).toBe(
      `${cases.wrongName.certPath}: the certificate is for not-${HOST}, not ${HOST}`,
    );
    expect(await refusal(cases.mismatchedKey)).toBe(
      `${cases.mismatchedKey.keyPath}: the key does not match the certificate ${cases.mismatchedKey.certPath}`,
    );
    expect(await refusal({ certPath: join(dir, "missing.pem"), keyPath: cases.good.keyPath })).toBe(
      `${join(dir, "missing.pem")}: cannot be read (ENOENT)`,
    );
    expect(await refusal({ certPath: cases.good.keyPath, keyPath: cases.good.keyPath })).toMatch(
      /not a PEM certificate$/,
    );
    for (const message of [await refusal(cases.expired), await refusal(cases.wrongName)])
      expect(message).not.toMatch(/\n/);
  });
});
