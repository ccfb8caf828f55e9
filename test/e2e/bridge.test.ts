/**
 * The bridge end to end: the helper (its own process, with the real native addon) joins its
 * own Headscale as a node and forwards tailnet ports to local services; a real tailscaled
 * with a key minted through the helper reaches them over the tailnet. Loopback-only
 * namespace (`npm run test:e2e`).
 */
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HelperClient } from "../../helper/client/helper-client.js";
import { homePaths } from "../../helper/home/paths.js";
import { ErrorCode } from "../../helper/protocol/errors.js";
import { type BridgeStatus } from "../../helper/protocol/types.js";
import { processesServing } from "../support/chaos.js";
import { removeHome, runCli, spawnHelperProcess, tempHome } from "../support/fixtures.js";
import { waitUntil } from "../../testkit/wait.js";
import {
  dialTailnet,
  echoTransfer,
  openFds,
  readBytes,
  startEchoService,
  startWebSocketEcho,
  type LocalService,
} from "../../testkit/local-services.js";
import { onlyLoopback, startTailscaleClient, type TailscaleClient } from "../../testkit/tailscale-client.js";

const ECHO_PORT = 9096;
const WS_PORT = 9097;

let home: string;
let helper: ChildProcess;
let client: HelperClient;
let echo: LocalService;
let wsEcho: LocalService;
let laptop: TailscaleClient;
let nodeIp: string;
/** What `bridge up` printed the first time, before the node had ever joined. */
let firstUp: { exitCode?: number; stdout: string };

/** Polls `get` until `ok` holds for what it returns; a timeout says what it last returned. */
async function until<T>(what: string, get: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  const found = await waitUntil(
    async () => {
      last = await get();
      return ok(last) && { value: last };
    },
    { what: () => `${what}; still ${JSON.stringify(last)}`, timeoutMs: 60_000, intervalMs: 100 },
  );
  return found.value;
}

const bridgeStatus = () => client.call("bridge.status");
const running = (s: BridgeStatus) => s.state === "Running" && s.ipv4 !== null;
const mapping = (s: BridgeStatus, port: number) => s.mappings.find((m) => m.tailnetPort === port)!;

async function spawnHelper(): Promise<void> {
  helper = (await spawnHelperProcess(home)).child;
  client = await HelperClient.connect(homePaths(home, tmpdir()).helperSocket);
}

async function killHelper(): Promise<void> {
  client.close();
  const exited = new Promise((resolve) => helper.once("exit", resolve));
  helper.kill("SIGKILL");
  await exited;
}

const dial = (port: number) => dialTailnet(laptop.socks5Port!, nodeIp, port);

/** Sends `bytes` through the bridge to the echo service and checks they come back intact. */
async function expectEcho(bytes: number): Promise<void> {
  const socket = await dial(ECHO_PORT);
  const { sent, received } = await echoTransfer(socket, bytes);
  socket.destroy();
  expect(received).toBe(sent);
}

/** The laptop learns the node (and its endpoints) through Headscale: wait until it reaches it. */
const untilLaptopReachesNode = () =>
  until(
    "the laptop reaches the node",
    () =>
      laptop.cli(["ping", "--c=1", "--timeout=5s", nodeIp]).then(
        () => true,
        () => false,
      ),
    (ok) => ok,
  );

beforeAll(async () => {
  if (!(await onlyLoopback())) throw new Error("refusing to run a tailnet outside a loopback-only network namespace");
  home = await tempHome();
  echo = await startEchoService();
  wsEcho = await startWebSocketEcho();
  await spawnHelper();
  // As a person does: the CLI, on a node that has never joined.
  firstUp = await runCli(home, [
    "bridge",
    "up",
    ...["--local-port", String(echo.port), "--tailnet-port", String(ECHO_PORT), "--hostname", "bridge-host"],
  ]);
  await client.call("bridge.up", { localPort: wsEcho.port, tailnetPort: WS_PORT });
  nodeIp = (await until("the node comes up", bridgeStatus, running)).ipv4!;
  const minted = await client.call("preAuthKeys.mint", { deviceId: "laptop", account: "family" });
  expect(minted).toMatchObject({ remoteHostname: "bridge-host", remoteIp: nodeIp });
  laptop = await startTailscaleClient("laptop", minted.coordinationUrl, minted.preAuthKey, { socks5: true });
  await untilLaptopReachesNode();
});

afterAll(async () => {
  await laptop?.stop();
  client?.close();
  helper?.kill("SIGTERM");
  await echo?.close();
  await wsEcho?.close();
  if (home) await removeHome(home);
});

describe("the tailnet bridge", () => {
  it("bridge up waits until the node runs, then prints the address devices use", () => {
    expect(firstUp.exitCode).toBe(0);
    expect(firstUp.stdout.split("\n")[0]).toBe(`${nodeIp}:${ECHO_PORT} → 127.0.0.1:${echo.port}`);
  });

  it("is a node of its own Headscale, under the account's user", async () => {
    const nodes = await client.call("nodes.list");
    const self = nodes.find((n) => n.ipAddresses.includes(nodeIp));
    expect(self).toMatchObject({ givenName: "bridge-host", online: true });
    const status = await client.call("status");
    expect(status.tailnet).toMatchObject({ state: "Running", hostname: "bridge-host", ipv4: nodeIp });
  });

  it("carries 256 MiB to a local echo and back intact, and counts it", async () => {
    const before = mapping(await bridgeStatus(), ECHO_PORT);
    const bytes = 256 * 1024 * 1024;
    await expectEcho(bytes);
    const after = mapping(await bridgeStatus(), ECHO_PORT);
    expect(after.bytesIn - before.bytesIn).toBeGreaterThanOrEqual(bytes);
    expect(after.bytesOut - before.bytesOut).toBeGreaterThanOrEqual(bytes);
    expect(after.total).toBe(before.total + 1);
    expect(after.lastClient).toMatch(/^100\.64\./); // the real tailnet address of the laptop
  });

  it("carries a WebSocket echo exchange", async () => {
    const socket = await dial(WS_PORT);
    const ws = new WebSocket(`ws://${nodeIp}:${WS_PORT}/`, { createConnection: () => socket });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const replies: string[] = [];
    const got = new Promise<void>((resolve) =>
      ws.on("message", (data) => replies.push(data.toString()) === 3 && resolve()),
    );
    for (const text of ["hello", "héllo wörld", "x".repeat(100_000)]) ws.send(text);
    await got;
    ws.close();
    expect(replies).toEqual(["hello", "héllo wörld", "x".repeat(100_000)]);
  });

  it("holds 1,000 connections at once and gives back every fd", async () => {
    await until("idle", bridgeStatus, (s) => mapping(s, ECHO_PORT).active === 0);
    const fdsBefore = await openFds(helper.pid!);
    const sockets: Socket[] = [];
    for (let batch = 0; batch < 10; batch++) {
      sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => dial(ECHO_PORT)))));
    }
    const answers = await Promise.all(
      sockets.map(async (socket, i) => {
        const message = Buffer.from(`ping ${String(i).padStart(4, "0")}`);
        socket.write(message);
        return (await readBytes(socket, message.length)).toString();
      }),
    );
    expect(answers.every((a, i) => a === `ping ${String(i).padStart(4, "0")}`)).toBe(true);
    const held = await bridgeStatus();
    expect(mapping(held, ECHO_PORT).active).toBe(1000);
    expect(echo.open.size).toBeGreaterThanOrEqual(1000);
    // One fd per local leg (the tailnet legs live in the netstack); a few of the helper's own
    // may have closed meanwhile, so "about 1,000 more" is what is checked.
    expect(await openFds(helper.pid!)).toBeGreaterThan(fdsBefore + 950);
    for (const socket of sockets) socket.destroy();
    await until("all closed", bridgeStatus, (s) => mapping(s, ECHO_PORT).active === 0);
    await until(
      "fds back",
      () => openFds(helper.pid!),
      (n) => n <= fdsBefore,
    );
  });

  it("closes the tailnet side when the local service is gone, and serves again when it is back", async () => {
    const port = echo.port;
    await echo.close();
    const refusedBefore = mapping(await bridgeStatus(), ECHO_PORT).refused;
    const socket = await dial(ECHO_PORT).catch(() => undefined); // the proxy may already say no
    if (socket) {
      const ended = new Promise<Buffer[]>((resolve) => {
        const data: Buffer[] = [];
        socket.on("data", (d: Buffer) => data.push(d)).on("error", () => {});
        socket.once("close", () => resolve(data));
      });
      expect((await ended).length).toBe(0);
    }
    const refused = await until("refusal counted", bridgeStatus, (s) => mapping(s, ECHO_PORT).refused > refusedBefore);
    expect(mapping(refused, ECHO_PORT).lastError).toMatch(/refused/);

    echo = await startEchoService(port);
    await expectEcho(1 << 20);
  });

  it("closes the local side when a client aborts mid-transfer", async () => {
    await until("idle", bridgeStatus, (s) => mapping(s, ECHO_PORT).active === 0);
    const openBefore = echo.open.size;
    const socket = await dial(ECHO_PORT);
    socket.on("error", () => {});
    socket.write(Buffer.alloc(4 << 20));
    await until(
      "the local side opened",
      async () => echo.open.size,
      (n) => n > openBefore,
    );
    socket.resetAndDestroy();
    await until(
      "the local side closed",
      async () => echo.open.size,
      (n) => n === openBefore,
    );
    await until("no active connection", bridgeStatus, (s) => mapping(s, ECHO_PORT).active === 0);
  });

  it("recovers by itself when Headscale restarts under it", async () => {
    await client.call("headscale.restart", undefined, { timeoutMs: 90_000 });
    await until(
      "the node is online again",
      () => client.call("nodes.list"),
      (nodes) => nodes.some((n) => n.ipAddresses.includes(nodeIp) && n.online),
    );
    await untilLaptopReachesNode();
    await expectEcho(1 << 20);
  });

  it("comes back after kill -9 with the same IP and no new key, and Headscale is not orphaned", async () => {
    const paths = homePaths(home, tmpdir());
    const keyFile = await readFile(paths.tailnetKey, "utf8");
    const keysBefore = (await client.call("preAuthKeys.list")).length;
    const headscalePid = (await client.call("status")).headscale.pid!;
    await killHelper();
    await spawnHelper();
    // The old Headscale was ended (or reaped as a zombie), not left serving beside the new one.
    const serving = await processesServing(paths.headscaleConfig);
    expect(serving).not.toContain(headscalePid);
    expect(serving).toEqual([(await client.call("status")).headscale.pid]);
    const status = await until("the node rejoins", bridgeStatus, running);
    expect(status.ipv4).toBe(nodeIp);
    expect(status.mappings.map((m) => m.tailnetPort).sort()).toEqual([ECHO_PORT, WS_PORT]);
    expect(await readFile(paths.tailnetKey, "utf8")).toBe(keyFile);
    expect((await client.call("preAuthKeys.list")).length).toBe(keysBefore);
    await untilLaptopReachesNode();
    await expectEcho(1 << 20);
  });

  it("joins again as a new node when it is deleted through the helper", async () => {
    const self = (await client.call("nodes.list")).find((n) => n.ipAddresses.includes(nodeIp))!;
    await client.call("nodes.delete", { id: self.id });
    const back = await until(
      "a new node of this computer is online",
      () => client.call("nodes.list"),
      (nodes) => nodes.some((n) => n.givenName === "bridge-host" && n.id !== self.id && n.online),
    );
    expect(back.filter((n) => n.givenName === "bridge-host")).toHaveLength(1);
    const status = await until("running again", bridgeStatus, running);
    nodeIp = status.ipv4!;
    await untilLaptopReachesNode();
    await expectEcho(1 << 20);
  });

  it("joins again, under its user made anew, when its user is deleted with its nodes", async () => {
    const self = (await client.call("nodes.list")).find((n) => n.ipAddresses.includes(nodeIp))!;
    expect(await client.call("users.delete", { name: self.user, force: true })).toMatchObject({ deletedNodes: 1 });
    const back = await until(
      "a new node of this computer is online under its user",
      () => client.call("nodes.list"),
      (nodes) => nodes.some((n) => n.givenName === "bridge-host" && n.id !== self.id && n.online),
    );
    expect(back.find((n) => n.givenName === "bridge-host")!.user).toBe(self.user);
    const status = await until("running again", bridgeStatus, running);
    nodeIp = status.ipv4!;
    // Mints point new devices at this computer's new address, not its old one.
    const minted = await client.call("preAuthKeys.mint", { deviceId: "laptop", account: "family" });
    expect(minted.remoteIp).toBe(nodeIp);
    await untilLaptopReachesNode();
    await expectEcho(1 << 20);
  });

  it("refuses a second local port for a mapped tailnet port (kind: conflict)", async () => {
    const error = await client.call("bridge.up", { localPort: 1, tailnetPort: ECHO_PORT }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toMatch(/already forwards to local port/);
  });

  it("renames the node in Headscale too when bridge identity gives it another name, taking any name", async () => {
    const renamed = await runCli(home, ["--json", "bridge", "identity", "--hostname", "Bridge Host 2"]);
    expect(renamed.exitCode, renamed.stderr).toBe(0);
    const status = JSON.parse(renamed.stdout) as BridgeStatus;
    expect(status.hostname).toBe("bridge-host-2");
    expect(status.mappings.map((m) => m.tailnetPort).sort()).toEqual([ECHO_PORT, WS_PORT].sort());
    nodeIp = (await until("running again", bridgeStatus, running)).ipv4!;
    const nodes = await until(
      "renamed in Headscale",
      () => client.call("nodes.list"),
      (list) => list.some((n) => n.ipAddresses.includes(nodeIp) && n.givenName === "bridge-host-2"),
    );
    expect(nodes.filter((n) => n.givenName.startsWith("bridge-host"))).toHaveLength(1);
    await untilLaptopReachesNode();
    await expectEcho(1 << 20);
  });

  it("refuses a hostname another node has, changing nothing; status gives Headscale's name", async () => {
    const taken = await runCli(home, ["bridge", "identity", "--hostname", "laptop"]);
    expect(taken.exitCode).toBe(2);
    expect(taken.stderr).toMatch(/^headscale-remote: hostname: laptop is taken by node \d+; choose another$/m);
    const up = await client
      .call("bridge.up", { localPort: echo.port, tailnetPort: ECHO_PORT, hostname: "laptop" })
      .catch((e) => e);
    expect(up.code).toBe(ErrorCode.Conflict);
    expect((await client.call("bridge.status")).hostname).toBe("bridge-host-2");
    // Renamed in Headscale, not through the bridge: status says Headscale's name.
    const mine = (await client.call("nodes.list")).find((n) => n.ipAddresses.includes(nodeIp))!;
    await client.call("nodes.rename", { id: mine.id, name: "den" });
    expect((await client.call("status")).tailnet?.hostname).toBe("den");
    expect((await client.call("bridge.status")).hostname).toBe("den");
    await client.call("nodes.rename", { id: mine.id, name: "bridge-host-2" });
  });

  it("follows Headscale to a new listen address", async () => {
    const { freeTcpPort } = await import("../../helper/os/ports.js");
    const port = await freeTcpPort();
    await client.call("config.set", { patch: { listenAddr: `127.0.0.1:${port}` } }, { timeoutMs: 90_000 });
    await until(
      "the node is online at the new address",
      () => client.call("nodes.list"),
      (nodes) => nodes.some((n) => n.ipAddresses.includes(nodeIp) && n.online),
    );
    // Headscale may list it online a moment before the node itself has taken the new map.
    expect((await until("running at the new address", bridgeStatus, running)).ipv4).toBe(nodeIp);
  });

  it("removes a mapping: its port no longer answers, the other still does", async () => {
    const after = await client.call("bridge.down", { tailnetPort: WS_PORT });
    expect(after.mappings.map((m) => m.tailnetPort)).toEqual([ECHO_PORT]);
    const closed = await dial(WS_PORT).then(
      (socket) => new Promise<boolean>((resolve) => socket.once("close", () => resolve(true)).on("error", () => {})),
      () => true,
    );
    expect(closed).toBe(true);
    await expect(client.call("bridge.down", { tailnetPort: WS_PORT })).rejects.toThrow(/not forwarded/);
  });
});
