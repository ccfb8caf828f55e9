/** The `server.reachability` answer: the probe's findings about the running server, reported. */
import { reachOfListener } from "../config/reach.js";
import type { HeadscaleAddresses } from "../config/addresses.js";
import type { Settings } from "../protocol/settings.js";
import type { Reachability, TailnetStatus } from "../protocol/types.js";
import { localAddresses } from "../os/network.js";
import { healthThrough, resolveHost } from "./probe.js";
import { reachabilityReport } from "./report.js";

export interface ReachabilitySources {
  addresses: () => HeadscaleAddresses;
  settings: () => Settings;
  supervisor: { state: string };
  bridge: { tailnetStatus(): TailnetStatus };
}

export async function checkReachability(sources: ReachabilitySources): Promise<Reachability> {
  const { listenAddr, serverUrl, tlsHostname } = sources.addresses();
  const settings = sources.settings();
  const running = sources.supervisor.state === "running";
  const [resolved, health] = await Promise.all([
    resolveHost(new URL(serverUrl).hostname),
    running ? healthThrough(serverUrl) : Promise.resolve(undefined),
  ]);
  return reachabilityReport({
    reach: reachOfListener(listenAddr, Boolean(tlsHostname)),
    serverUrl,
    derp: settings.derp,
    http01: settings.tls.mode === "acme" && settings.tls.challenge === "http-01",
    headscaleRunning: running,
    resolved,
    local: localAddresses(),
    ...(health ? { health } : {}),
    node: sources.bridge.tailnetStatus(),
    now: new Date(),
  });
}
