/**
 * DNS settings and the database policy mode, against the real helper and the real Headscale.
 * The values are documentation addresses and .example/.test names: Headscale only hands them
 * to clients (there are none here), it never queries them itself.
 */
import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runHeadscaleCli } from "../../helper/headscale/run-cli.js";
import { commandLine } from "../../helper/os/process-info.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { type LogLine } from "../../helper/protocol/types.js";
import { headscaleBinary, runCli, useHelpers, type TestHelper } from "../support/fixtures.js";
import { sampleDns, sampleDnsConfig } from "../support/samples.js";
import { waitUntil } from "../../testkit/wait.js";

const { helperFor } = useHelpers();

const LIFECYCLE = { timeoutMs: 90_000 };

async function headscaleLog(t: TestHelper): Promise<string[]> {
  return (await t.client.call("logs.tail", { lines: 100_000 }))
    .filter((line: LogLine) => line.stream !== "helper")
    .map((line: LogLine) => line.text);
}

/** What must not move when a change is refused. */
async function snapshot(t: TestHelper) {
  const { paths } = t.helper;
  const status = await t.client.call("status");
  return {
    settings: await readFile(paths.settings, "utf8"),
    config: await readFile(paths.headscaleConfig, "utf8"),
    records: await readFile(paths.extraRecords, "utf8"),
    headscale: { state: status.headscale.state, pid: status.headscale.pid },
  };
}

describe("dns settings", () => {
  it("Headscale restarts and serves with MagicDNS, a base domain, nameservers, split DNS and search domains", async () => {
    const t = await helperFor();
    const before = (await t.client.call("status")).headscale.pid;
    const dns = sampleDns;
    const result = await t.client.call("config.set", { patch: { dns } }, LIFECYCLE);
    expect(result.settings.dns).toEqual({ ...dns, extraRecords: [] });

    const { headscale } = await t.client.call("status");
    expect(headscale.state).toBe("running");
    expect(headscale.pid).not.toBe(before); // restarted with them, not rolled back
    const health = await fetch(`${headscale.serverUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "pass" });

    // The process that answers runs with config.yaml, and config.yaml holds the settings.
    const argv = await commandLine(headscale.pid!);
    expect(argv?.slice(argv.indexOf("-c"), argv.indexOf("-c") + 2)).toEqual(["-c", t.helper.paths.headscaleConfig]);
    expect(parse(await readFile(t.helper.paths.headscaleConfig, "utf8")).dns).toEqual(
      sampleDnsConfig(t.helper.paths.extraRecords),
    );
    // Headscale drops a nameserver it cannot read with only this warning, as it loads the config.
    expect((await headscaleLog(t)).filter((text) => /invalid (global|split dns) nameserver/.test(text))).toEqual([]);

    // A partial patch leaves the rest as it is.
    const off = await t.client.call("config.set", { patch: { dns: { magicDns: false } } }, LIFECYCLE);
    expect(off.settings.dns).toEqual({ ...dns, magicDns: false, extraRecords: [] });
    expect((await t.client.call("status")).headscale.state).toBe("running");
  });

  it("refuses a combination Headscale would not start with, in one clear line, and changes nothing", async () => {
    const t = await helperFor();
    const before = await snapshot(t);

    const noNameservers = await t.client
      .call("config.set", { patch: { dns: { overrideLocalDns: true } } }, LIFECYCLE)
      .catch((e) => e);
    expect(noNameservers.code).toBe(ErrorCode.InvalidParams);
    expect(noNameservers.message).toBe(
      "invalid settings: dns.nameservers: at least one global nameserver is needed when overrideLocalDns is on",
    );
    expect(await snapshot(t)).toEqual(before);

    // Headscale's own check misses this one (it compares the host with its port still on), but
    // MagicDNS would still take the server's name away from every client.
    const { listenAddr } = t.helper.settings();
    const port = listenAddr.slice(listenAddr.lastIndexOf(":") + 1);
    const serverUnderBase = await t.client
      .call(
        "config.set",
        { patch: { serverUrl: `http://hs.tail.test:${port}`, dns: { magicDns: true, baseDomain: "tail.test" } } },
        LIFECYCLE,
      )
      .catch((e) => e);
    expect(serverUnderBase.code).toBe(ErrorCode.InvalidParams);
    expect(serverUnderBase.message).toMatch(
      /^invalid settings: dns\.baseDomain: may not be the server's host \(hs\.tail\.test\) or a domain above it: [^;]+$/,
    );
    expect(await snapshot(t)).toEqual(before);

    const cli = await runCli(t.home, ["config", "set", 'dns={"magicDns":true}']);
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr.trim()).toBe("headscale-remote: invalid settings: dns.baseDomain: required when magicDns is on");
    expect(await snapshot(t)).toEqual(before);
  });

  it("changing only the extra records rewrites their file and Headscale reloads it without a restart", async () => {
    const t = await helperFor();
    // Headscale says it reloaded the records only at trace level.
    await t.client.call("config.set", { patch: { logLevel: "trace" } }, LIFECYCLE);
    const { paths } = t.helper;
    const status = await t.client.call("status");
    const config = await readFile(paths.headscaleConfig, "utf8");
    expect(await readFile(paths.extraRecords, "utf8")).toBe("[]\n"); // Headscale will not start without the file
    expect(
      (await headscaleLog(t)).some((text) => text.includes(`started filewatcher watching=["${paths.extraRecords}"]`)),
    ).toBe(true);

    const record = { name: "grafana.tail.example", type: "A" as const, value: "100.64.0.3" };
    const set = await t.client.call("config.set", { patch: { dns: { extraRecords: [record] } } });
    expect(set.settings.dns.extraRecords).toEqual([record]);
    expect(JSON.parse(await readFile(paths.extraRecords, "utf8"))).toEqual([record]);
    expect((await stat(paths.extraRecords)).mode & 0o777).toBe(0o600);
    await waitUntil(
      async () =>
        (await headscaleLog(t)).some((text) =>
          /extra records updated from path, count old: 0, new: 1 .*grafana\.tail\.example/.test(text),
        ),
      { what: "Headscale to log that it loaded the new record", timeoutMs: 30_000 },
    );

    // The file is replaced (renamed over), so Headscale must find it again for the next change.
    const aaaa = { name: "db.tail.example", type: "AAAA" as const, value: "2001:db8::3" };
    await t.client.call("config.set", { patch: { dns: { extraRecords: [record, aaaa] } } });
    await waitUntil(
      async () => (await headscaleLog(t)).some((text) => /count old: 1, new: 2 .*db\.tail\.example/.test(text)),
      { what: "Headscale to log that it loaded the second set of records", timeoutMs: 30_000 },
    );
    await t.client.call("config.set", { patch: { dns: { extraRecords: [] } } });
    await waitUntil(async () => (await headscaleLog(t)).some((text) => /count old: 2, new: 0 /.test(text)), {
      what: "Headscale to log that the records are gone",
      timeoutMs: 30_000,
    });

    const after = await t.client.call("status");
    expect(after.headscale).toMatchObject({
      state: "running",
      pid: status.headscale.pid,
      restarts: status.headscale.restarts,
    });
    expect(await readFile(paths.headscaleConfig, "utf8")).toBe(config);
    expect(JSON.parse(await readFile(paths.settings, "utf8")).dns.extraRecords).toEqual([]);
  });

  it("an invalid record is refused before the file is touched", async () => {
    const t = await helperFor({ start: false });
    const records = await readFile(t.helper.paths.extraRecords, "utf8");
    const error = await t.client
      .call("config.set", {
        patch: { dns: { extraRecords: [{ name: "x.example", type: "A", value: "2001:db8::1" }] } },
      })
      .catch((e) => e);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toMatch(/^dns\.extraRecords\.0\.value: an IPv4 address, as type is A/);
    expect(await readFile(t.helper.paths.extraRecords, "utf8")).toBe(records);
  });
});

describe("policy mode", () => {
  it("Headscale keeps the ACL policy in its database: none at first, and one set over gRPC applies without a restart", async () => {
    const t = await helperFor();
    const { paths } = t.helper;
    expect(parse(await readFile(paths.headscaleConfig, "utf8")).policy).toEqual({ mode: "database" });
    const binary = await headscaleBinary();
    const get = () => runHeadscaleCli(binary, ["-c", paths.headscaleConfig, "policy", "get"]);

    // No policy: Headscale allows all traffic, as with no policy file (the e2e suite's clients reach each other).
    const none = await get();
    expect(none.exitCode).not.toBe(0);
    expect(`${none.stdout}${none.stderr}`).toMatch(/acl policy not found/);

    const pid = (await t.client.call("status")).headscale.pid;
    const policy = '{"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]}';
    const file = join(t.home, "policy.hujson");
    await writeFile(file, policy);
    const set = await runHeadscaleCli(binary, ["-c", paths.headscaleConfig, "policy", "set", "-f", file]);
    expect(set.exitCode, set.stderr).toBe(0);
    const got = await get();
    expect(got.exitCode, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual(JSON.parse(policy));
    expect((await t.client.call("status")).headscale).toMatchObject({ state: "running", pid });
  });

  it("a config an older helper generated is brought up to date at the next start; a hand-edited one is not", async () => {
    const first = await helperFor({ start: false });
    const { paths } = first.helper;
    await first.close();
    const current = await readFile(paths.headscaleConfig, "utf8");
    // What helpers before the database policy mode and the DNS settings wrote, with its hash: ours, not a hand edit.
    const older = current
      .replace(/^policy:\n(?: .*\n)+/m, "")
      .replace(/^dns:\n(?: .*\n)+/m, "dns:\n  magic_dns: false\n  override_local_dns: false\n");
    expect(older).not.toContain("policy:");
    await writeFile(paths.headscaleConfig, older);
    await writeFile(paths.generatedConfigHash, createHash("sha256").update(older).digest("hex") + "\n");

    const t = await helperFor({ home: first.home });
    expect((await t.client.call("status")).headscale.state).toBe("running");
    expect(await readFile(paths.headscaleConfig, "utf8")).toBe(current);
    expect((await t.client.call("config.get")).editedByHand).toBe(false);
    await t.close();

    const edited = older + "# my own note\n";
    await writeFile(paths.headscaleConfig, edited);
    const again = await helperFor({ home: first.home, start: false });
    expect((await again.client.call("config.get")).editedByHand).toBe(true);
    await again.client.call("headscale.start", undefined, LIFECYCLE);
    expect(await readFile(paths.headscaleConfig, "utf8")).toBe(edited);
  });
});
