/**
 * The helper's and Headscale's lifecycle: what status reports, starting and stopping Headscale,
 * and stopping the helper, at once or only when nothing is under way (a newer build taking over).
 */
import type { HeadscaleSupervisor } from "../../headscale/supervisor.js";
import type { HomePaths } from "../../home/paths.js";
import type { LogStore } from "../../logs/log-store.js";
import { helperVersion } from "../../project.js";
import type { Settings } from "../../protocol/settings.js";
import type { Status } from "../../protocol/types.js";
import type { TailnetBridge } from "../../tailnet/bridge.js";
import type { NodeCounts } from "../node-counts.js";
import type { WorkUnderWay } from "../work-under-way.js";

export interface LifecycleDeps {
  paths: HomePaths;
  supervisor: HeadscaleSupervisor;
  settings: () => Settings;
  /** The URL devices log in to, as Headscale runs now. */
  serverUrl: () => string;
  headscaleVersion: () => string | null;
  counts: Pick<NodeCounts, "current">;
  bridge: Pick<TailnetBridge, "tailnetStatus" | "hasNode" | "status" | "noticeRepair">;
  /** The name Headscale gives the node at this address, as last learnt (never waits). */
  nameAt: (ipv4: string | null) => string | undefined;
  logs: Pick<LogStore, "append">;
  work: WorkUnderWay;
  /** This helper's build (see buildOf), or null when it runs inside another program. */
  build: string | null;
  /** The file this helper runs from; null inside another program. */
  entry: string | null;
  shutdown: () => void;
}

export class Lifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  async status(): Promise<Status> {
    const { supervisor, paths } = this.deps;
    await this.deps.bridge.noticeRepair(); // a bridge.json repaired since is no longer the reason
    const tailnet = this.deps.bridge.tailnetStatus();
    // Headscale's name for the node, not the one asked for: it may have been taken, or renamed since.
    const name = this.deps.nameAt(tailnet.ipv4);
    const startedAt = supervisor.startedAt;
    return {
      helper: {
        version: helperVersion(),
        build: this.deps.build,
        entry: this.deps.entry,
        pid: process.pid,
        home: paths.home,
        socket: paths.helperSocket,
      },
      headscale: {
        state: supervisor.state,
        pid: supervisor.pid,
        startedAt: startedAt?.toISOString() ?? null,
        uptimeSeconds: startedAt ? Math.round((Date.now() - startedAt.getTime()) / 1000) : null,
        serverUrl: this.deps.serverUrl(),
        version: this.deps.headscaleVersion(),
        binary: supervisor.binary,
        autoStart: this.deps.settings().autoStart,
        restarts: supervisor.restarts,
        lastError: supervisor.lastError,
        lastErrorLog: supervisor.lastErrorLog,
        nodes: supervisor.state === "running" ? this.deps.counts.current : null,
      },
      tailnet: name ? { ...tailnet, hostname: name } : tailnet,
    };
  }

  async startHeadscale(): Promise<Status> {
    await this.deps.supervisor.start();
    return this.status();
  }

  async stopHeadscale(): Promise<Status> {
    await this.deps.supervisor.stop();
    return this.status();
  }

  async restartHeadscale(): Promise<Status> {
    await this.deps.supervisor.restart();
    return this.status();
  }

  /** Stops the helper once the answer to this request has gone out. */
  shutdown(): void {
    setImmediate(this.deps.shutdown);
  }

  /** Stops as shutdown does, unless something is under way: then says what, and keeps serving. */
  async shutdownIfIdle(forBuild: string | undefined): Promise<{ stopping: boolean; busy: string | null }> {
    const { work } = this.deps;
    if (work.stopping) return { stopping: true, busy: null }; // two clients asked at once
    const connections = await this.bridgeConnections();
    // Checked after the await and decided in the same turn: no change can slip in between.
    const busy = work.busy();
    if (connections > 0) busy.push(`${connections} bridge connection${connections === 1 ? "" : "s"} open`);
    if (busy.length > 0) return { stopping: false, busy: busy.join(", ") };
    work.handOver();
    this.deps.logs.append(
      "helper",
      `stopping to let build ${forBuild ?? "(unnamed)"} take over from ${this.deps.build}`,
    );
    this.shutdown();
    return { stopping: true, busy: null };
  }

  private async bridgeConnections(): Promise<number> {
    const { bridge } = this.deps;
    // Without a node there is nothing to count, and asking would load the addon (a Go runtime) for nothing.
    if (!bridge.hasNode) return 0;
    const status = await bridge.status().catch(() => undefined);
    return status?.mappings.reduce((sum, mapping) => sum + mapping.active, 0) ?? 0;
  }
}
