/**
 * The helper idling with its tailnet node up (issue #23), for npm run bench's 1,000-node rows:
 * the node holds the map of every node of the tailnet. It is brought up on a mapping nothing
 * connects to, left to settle, measured, then taken down and its node deleted, so the node
 * counts of the rows after it are as before.
 */
import type { HelperClient } from "../helper/client/helper-client.js";
import { freeTcpPort } from "../helper/os/ports.js";
import { rssMiB, sleep } from "./proc.js";

/** RSS once the node has run for `settleMs` (past the Go side's idle reclaim), in MiB. */
export async function idleRssWithNodeUp(
  client: HelperClient,
  pid: number,
  account: string,
  settleMs = Number(process.env.BENCH_NODE_IDLE_SETTLE_MS ?? 20_000),
): Promise<number> {
  await client.call("bridge.up", { localPort: await freeTcpPort(), account, hostname: "bench-idle-node" });
  const began = Date.now();
  let ipv4: string | null = null;
  while (!ipv4) {
    const status = await client.call("bridge.status");
    if (status.state === "Running" && status.ipv4) ipv4 = status.ipv4;
    else if (Date.now() - began > 60_000) throw new Error(`the bench's node did not come up: ${status.state}`);
    else await sleep(100);
  }
  await sleep(settleMs);
  const rss = await rssMiB(pid);
  await client.call("bridge.down");
  const node = (await client.call("nodes.list")).find((n) => n.ipAddresses.includes(ipv4));
  if (node) await client.call("nodes.delete", { id: node.id });
  return rss;
}
