/**
 * The socket under abuse, against a helper in its own process: many clients at once, floods,
 * frames that never end, and another local user. It answers or drops, never dies, and its
 * memory stays bounded.
 */
import { createConnection, type Socket } from "node:net";
import { readFile } from "node:fs/promises";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HelperClient } from "../../helper/client/helper-client.js";
import { waitForExit } from "../../helper/os/process-info.js";
import { MAX_FRAME_BYTES } from "../../helper/protocol/methods.js";
import { removeHome, spawnHelperProcess, tempHome } from "../support/fixtures.js";

let home: string;
let helperPid: number;
let socketPath: string;

beforeAll(async () => {
  home = await tempHome();
  const { child } = await spawnHelperProcess(home);
  helperPid = child.pid!;
  socketPath = `${home}/helper.sock`;
});
afterAll(async () => {
  process.kill(helperPid, "SIGTERM");
  await waitForExit(helperPid, 15_000);
  await removeHome(home);
});

const rssMiB = async () =>
  Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${helperPid}/status`, "utf8"))![1]) / 1024;
const connect = () =>
  new Promise<Socket>((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
const stillAnswers = async () => {
  const client = await HelperClient.connect(socketPath);
  const status = await client.call("status");
  client.close();
  return status.helper.pid;
};

describe("hostile clients", () => {
  it("serves 200 clients at once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const client = await HelperClient.connect(socketPath, 10_000);
        try {
          const [status, tail] = await Promise.all([client.call("status"), client.call("logs.tail", { lines: 5 })]);
          return status.helper.pid === helperPid && tail.length === 5 ? i : -1;
        } finally {
          client.close();
        }
      }),
    );
    expect(answers.filter((i) => i >= 0)).toHaveLength(200);
  });

  /** One round of abuse; resolves once the helper has dropped every unfinished frame. */
  async function abuse(): Promise<number> {
    const sockets: Socket[] = [];
    const dropped: Promise<void>[] = [];
    // 100 connections, each leaving a 256 KiB frame unfinished: held at most until the partial-frame timeout.
    for (let i = 0; i < 100; i++) {
      const socket = await connect();
      socket.on("error", () => {});
      dropped.push(new Promise((resolve) => socket.once("close", () => resolve())));
      socket.write('{"jsonrpc":"2.0","id":1,"method":"status","params":{"x":"' + "y".repeat(MAX_FRAME_BYTES / 4));
      sockets.push(socket);
    }
    // 5 connections streaming 20 MiB without a newline: each is told once; none is buffered whole.
    let oversize = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const socket = await connect();
        sockets.push(socket);
        socket.on("error", () => {});
        socket.on("data", (chunk) => (oversize += chunk.toString().split("frame larger than 1 MiB").length - 1));
        const block = Buffer.alloc(1024 * 1024, 0x41);
        for (let i = 0; i < 20; i++) if (!socket.write(block)) await new Promise((r) => socket.once("drain", r));
      }),
    );
    // Random bytes with newlines: parse errors, answered and forgotten.
    const noise = await connect();
    noise.on("data", () => {});
    sockets.push(noise);
    for (let i = 0; i < 200; i++)
      noise.write(Buffer.from(Array.from({ length: 1000 }, (_, j) => (i * 31 + j * 17) % 256)));
    expect(await stillAnswers()).toBe(helperPid);
    await Promise.all(dropped);
    for (const socket of sockets) socket.destroy();
    expect(oversize).toBeGreaterThanOrEqual(5);
    return rssMiB();
  }

  it("keeps memory bounded under floods, huge frames and frames that never end", async () => {
    const before = await rssMiB();
    const first = await abuse();
    const second = await abuse();
    console.log(
      `helper RSS: ${before.toFixed(1)} MiB before, ${first.toFixed(1)} after one round, ${second.toFixed(1)} after two`,
    );
    // Bounded means a second round costs (almost) nothing more than the first: nothing accumulates.
    expect(second - first).toBeLessThan(40);
    expect(second).toBeLessThan(400);
    expect(await stillAnswers()).toBe(helperPid);
  });

  it("refuses another local user", async () => {
    const script = `require("net").connect(${JSON.stringify(socketPath)}).on("connect", () => { console.log("CONNECTED"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(0); })`;
    const result = await execa(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "--", process.execPath, "-e", script],
      { reject: false },
    );
    expect(result.stdout.trim()).toBe("EACCES");
    expect(await stillAnswers()).toBe(helperPid);
  });
});
