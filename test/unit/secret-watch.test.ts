import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redact } from "../../helper/logs/redact.js";
import { findKeys, keysInArgv, keysInLogs, keysInMessage } from "../support/secret-watch.js";

// The watch that guards the whole suite must itself be able to see a leak.
describe("the secret watch", () => {
  // A made-up key in Headscale's format, assembled so no key-shaped literal sits in the source.
  const key = ["hskey", "auth", "gUkOB-gZsc_J", "8JAXu".repeat(13)].join("-");

  it("finds whole keys, not the shapes Headscale shows or our redaction", () => {
    expect(findKeys(`joined with ${key}.`)).toEqual([key]);
    expect(findKeys(["hskey", "api", "q26t5_W-ifR7", "***"].join("-"))).toEqual([]); // the shape Headscale lists
    expect(findKeys(redact(`key ${key}`))).toEqual([]);
    expect(findKeys("auth id hskey-authreq-Zq0m3tHn9VbJc2Xw")).toEqual([]);
  });

  it("names a leaking message without repeating the key", () => {
    const [finding] = keysInMessage("error of keys.mint", `refused ${key}`);
    expect(finding).toMatch(/error of keys\.mint holds 1 key/);
    expect(finding).not.toContain(key);
  });

  it("finds a key in a log file", async () => {
    const home = await mkdtemp(join(tmpdir(), "hr-sw-"));
    try {
      await mkdir(join(home, "logs"));
      await writeFile(join(home, "logs", "helper.log"), "all fine\n");
      expect(await keysInLogs(home)).toEqual([]);
      await writeFile(join(home, "logs", "headscale.log"), `line with ${key}\n`);
      expect(await keysInLogs(home)).toEqual([expect.stringContaining("headscale.log holds 1 key")]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("finds a key on a process's command line", async () => {
    // A made-up /proc: a real process with a key would trip the watch that guards this very run.
    const proc = await mkdtemp(join(tmpdir(), "hr-proc-"));
    try {
      for (const [pid, argv] of [
        ["41", ["node", "cli.js", "status"]],
        ["42", ["tailscale", "up", `--auth-key=${key}`]],
      ]) {
        await mkdir(join(proc, pid as string));
        await writeFile(join(proc, pid as string, "cmdline"), (argv as string[]).join("\0"));
      }
      await mkdir(join(proc, "self"));
      expect(await keysInArgv(proc)).toEqual(["argv of pid 42 (tailscale) holds a key"]);
    } finally {
      await rm(proc, { recursive: true, force: true });
    }
  });
});
