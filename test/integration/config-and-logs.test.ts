/** Settings changes (validated, rolled back, never over a hand edit) and the log store. */
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startDaemon } from "../../helper/daemon/daemon.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import type { LogLine } from "../../helper/protocol/types.js";
import { useHelpers } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";

const { helperFor, later, home: newHome } = useHelpers();

describe("config.set", () => {
  it("applies a valid change, restarts Headscale and keeps the previous files", async () => {
    const t = await helperFor();
    const before = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const pid = (await t.client.call("status")).headscale.pid;
    const result = await t.client.call("config.set", { patch: { logLevel: "debug" } }, { timeoutMs: 90_000 });
    expect(result.settings.logLevel).toBe("debug");
    expect(result.editedByHand).toBe(false);
    expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toMatch(/level: debug/);
    expect(await readFile(t.helper.paths.headscaleConfig + ".prev", "utf8")).toBe(before);
    const status = await t.client.call("status");
    expect(status.headscale.state).toBe("running");
    expect(status.headscale.pid).not.toBe(pid);
  });

  it("rejects what our schema rejects, naming the field, and changes nothing", async () => {
    const t = await helperFor({ start: false });
    const before = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const error = await t.client.call("config.set", { patch: { listenAddr: "everywhere" } }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toMatch(/listenAddr/);
    expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toBe(before);
  });

  it("rejects what `headscale configtest` rejects and keeps the old config running", async () => {
    const t = await helperFor();
    const before = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const settingsBefore = await readFile(t.helper.paths.settings, "utf8");
    const pid = (await t.client.call("status")).headscale.pid;
    const error = await t.client.call("config.set", { patch: { prefixV4: "not-a-prefix" } }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toMatch(/Headscale rejects these settings/);
    expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toBe(before);
    expect(await readFile(t.helper.paths.settings, "utf8")).toBe(settingsBefore);
    const status = await t.client.call("status");
    expect(status.headscale).toMatchObject({ state: "running", pid });
  });

  it("serves with derp=public, offline: the static relay map loads", async () => {
    const t = await helperFor();
    const { pid } = (await t.client.call("status")).headscale;
    const result = await t.client.call("config.set", { patch: { derp: "public" } }, { timeoutMs: 90_000 });
    expect(result.settings.derp).toBe("public");
    const status = await t.client.call("status");
    expect(status.headscale.state).toBe("running");
    expect(status.headscale.pid).not.toBe(pid); // restarted with it, not rolled back
    const health = await fetch(`${status.headscale.serverUrl}/health`);
    expect(health.status).toBe(200);
    expect(await readFile(t.helper.paths.derpMap, "utf8")).toMatch(/^ {2}1:$/m);
  });

  it("refuses a listen address another program holds, even one answering /health, and changes nothing", async () => {
    const t = await helperFor();
    const before = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const { pid } = (await t.client.call("status")).headscale;
    // Another server that says 200 to anything: it once passed for Headscale, which then crashed
    // on "address already in use" while the change was kept.
    const { createServer } = await import("node:http");
    const impostor = createServer((_, response) => response.end("OK")).listen(0, "127.0.0.1");
    await new Promise((resolve) => impostor.once("listening", resolve));
    later(async () => void impostor.close());
    const port = (impostor.address() as { port: number }).port;
    const error = await t.client
      .call("config.set", { patch: { listenAddr: `127.0.0.1:${port}` } }, { timeoutMs: 90_000 })
      .catch((e) => e);
    expect({ code: error.code, message: error.message }).toEqual({
      code: ErrorCode.InvalidParams,
      message: `listenAddr: Headscale cannot listen on 127.0.0.1:${port}: it is in use by another program`,
    });
    expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toBe(before);
    const status = await t.client.call("status");
    expect(status.headscale).toMatchObject({ state: "running", pid });
    expect(status.headscale.serverUrl).not.toContain(`:${port}`);
  });

  it("never writes over a config edited by hand, but still changes helper-only settings", async () => {
    const t = await helperFor({ start: false });
    const edited = (await readFile(t.helper.paths.headscaleConfig, "utf8")) + "# my own note\n";
    await writeFile(t.helper.paths.headscaleConfig, edited);
    expect((await t.client.call("config.get")).editedByHand).toBe(true);
    const error = await t.client.call("config.set", { patch: { logLevel: "warn" } }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toMatch(/edited by hand/);
    const ok = await t.client.call("config.set", { patch: { autoStart: false } });
    expect(ok.settings.autoStart).toBe(false);
    expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toBe(edited);
  });

  it("runs with the addresses and admin socket of a hand-edited config, and regenerates a config moved away", async () => {
    const t = await helperFor();
    const { freeTcpPort } = await import("../../helper/os/ports.js");
    const port = await freeTcpPort();
    const original = await readFile(t.helper.paths.headscaleConfig, "utf8");
    const edited = original
      .replace(/^listen_addr: .*$/m, `listen_addr: 127.0.0.1:${port}`)
      .replace(/^server_url: .*$/m, `server_url: http://127.0.0.1:${port}`)
      .replace(/^unix_socket: .*$/m, "unix_socket: edited.sock"); // relative: to the home, where Headscale runs
    expect(edited).toContain("unix_socket: edited.sock");
    await writeFile(t.helper.paths.headscaleConfig, edited);
    const restarted = await t.client.call("headscale.restart", undefined, { timeoutMs: 90_000 });
    expect(restarted.headscale).toMatchObject({ state: "running", serverUrl: `http://127.0.0.1:${port}` });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const minted = await t.client.call("preAuthKeys.mint", { deviceId: "edited" });
    expect(minted.coordinationUrl).toBe(`http://127.0.0.1:${port}`);
    // The admin calls go to the socket the edited config names, and only there.
    expect((await stat(join(t.home, "edited.sock"))).isSocket()).toBe(true);
    await expect(stat(t.helper.paths.headscaleSocket)).rejects.toMatchObject({ code: "ENOENT" });
    expect((await t.client.call("nodes.list")).length).toBe(0);
    // A helper-only change keeps them there.
    await t.client.call("config.set", { patch: { logLines: 500 } });
    expect((await t.client.call("users.list")).length).toBeGreaterThan(0);

    await rm(t.helper.paths.headscaleConfig);
    const regenerated = await t.client.call("headscale.restart", undefined, { timeoutMs: 90_000 });
    expect(regenerated.headscale.state).toBe("running");
    expect(regenerated.headscale.serverUrl).toBe(`http://${t.helper.settings().listenAddr}`);
    expect(await readFile(t.helper.paths.headscaleConfig, "utf8")).toBe(original);
    expect((await t.client.call("config.get")).editedByHand).toBe(false);
  });

  it("refuses to start on a broken settings file and leaves it as it was", async () => {
    const home = await newHome();
    const first = await startDaemon({ home, autoStart: false });
    await first.close();
    await writeFile(`${home}/settings.json`, '{"listenAddr": 42');
    await expect(startDaemon({ home, autoStart: false })).rejects.toThrow(/settings\.json is not valid JSON/);
    expect(await readFile(`${home}/settings.json`, "utf8")).toBe('{"listenAddr": 42');
    // and the home is not left locked
    await writeFile(`${home}/settings.json`, '{"listenAddr": "127.0.0.1:1"}');
    await expect(startDaemon({ home, autoStart: false })).rejects.toThrow(/grpcListenAddr/);
  });
});

describe("damaged state", () => {
  it("a damaged device-key file turns minting off with a clear error, keeps the file and the helper", async () => {
    const first = await helperFor();
    const minted = await first.client.call("preAuthKeys.mint", { deviceId: "laptop" });
    const path = first.helper.paths.deviceKeys;
    await first.close();
    const damaged = (await readFile(path, "utf8")).slice(0, 40);
    await writeFile(path, damaged);

    const t = await helperFor({ home: first.home });
    const mint = t.client.call("preAuthKeys.mint", { deviceId: "laptop" });
    await expect(mint).rejects.toMatchObject({ code: ErrorCode.Failed });
    await expect(mint).rejects.toThrow(/device-keys\.json is damaged \(.+\); minting is off/);
    expect(await readFile(path, "utf8")).toBe(damaged); // never written over: it may hold live keys
    expect((await t.client.call("status")).headscale.state).toBe("running");
    expect(await t.client.call("users.list")).not.toHaveLength(0);
    const logged = (await t.client.call("logs.tail", { lines: 50 })).map((line: LogLine) => line.text).join("\n");
    expect(logged).toMatch(/device-keys\.json is damaged/);
    expect(logged).not.toContain(minted.preAuthKey);
    await t.close();

    // Valid JSON of the wrong shape: the field that is wrong, on one line, never "undefined".
    await writeFile(path, JSON.stringify({ version: 1, devices: [{ account: "a" }] }));
    const again = await helperFor({ home: first.home });
    const refused = await again.client.call("preAuthKeys.mint", { deviceId: "laptop" }).catch((e) => e);
    expect(refused.message).toMatch(
      /device-keys\.json is damaged \(devices\.0\.deviceId is missing; devices\.0\.user is missing; [^\n]*\); minting is off/,
    );
    expect(refused.message).not.toMatch(/undefined/);

    // Repaired while the helper runs (here: moved away): minting works again without a restart.
    await rm(path);
    const fresh = await again.client.call("preAuthKeys.mint", { deviceId: "laptop" });
    expect(fresh.reused).toBe(false);
    await again.close();
  });
});

describe("logs", () => {
  it("tails, follows and survives a helper restart", async () => {
    const t = await helperFor();
    const tail = await t.client.call("logs.tail", { lines: 1000 });
    expect(tail.some((l) => l.stream !== "helper" && /listening and serving HTTP/.test(l.text))).toBe(true);
    expect(tail.map((l) => l.seq)).toEqual([...tail.map((l) => l.seq)].sort((a, b) => a - b));

    const pushed: LogLine[] = [];
    const unfollow = await t.client.followLogs((line) => pushed.push(line));
    await fetch(new URL("/health", t.helper.serverUrl())); // Headscale logs each HTTP request
    await waitUntil(() => pushed.some((l) => /path=\/health/.test(l.text)), {
      what: "the followed log to show Headscale's GET /health",
      timeoutMs: 60_000,
    });
    await unfollow();

    const lastSeq = (await t.client.call("logs.tail", { lines: 1 }))[0]!.seq;
    await t.close();
    const again = await helperFor({ home: t.home, start: false });
    const afterRestart = await again.client.call("logs.tail", { lines: 1000 });
    expect(afterRestart.some((l) => /listening and serving HTTP/.test(l.text))).toBe(true);
    expect(afterRestart.at(-1)!.seq).toBeGreaterThan(lastSeq);
  });

  it("keeps at most the configured number of lines", async () => {
    const t = await helperFor({ start: false });
    for (let i = 0; i < 1500; i++) t.helper.logs.append("helper", `line ${i}`);
    const all = await t.client.call("logs.tail", { lines: 100_000 });
    expect(all).toHaveLength(1000);
    expect(all.at(-1)!.text).toBe("line 1499");
  });
});
