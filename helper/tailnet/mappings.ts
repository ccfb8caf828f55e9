/**
 * The bridge's mappings: which tailnet port of this computer's node forwards to which local port.
 * Saved in bridge.json, then made live on the node; a change the node cannot serve is not kept.
 */
import type { BridgeMapping } from "../protocol/types.js";
import { BridgeError } from "./bridge-error.js";
import type { BridgeStore } from "./bridge-store.js";
import type { NodeLifecycle } from "./node-lifecycle.js";

export interface MappingRequest {
  localPort: number;
  /** The local port's number when not given. */
  tailnetPort?: number;
}

const NO_COUNTERS = { active: 0, total: 0, refused: 0, bytesIn: 0, bytesOut: 0, lastError: null, lastClient: null };

export class BridgeMappings {
  constructor(
    private readonly store: BridgeStore,
    private readonly node: NodeLifecycle,
  ) {}

  /** Refuses a tailnet port that already forwards to another local port: a mapping is removed first. */
  checkFree({ localPort, tailnetPort = localPort }: MappingRequest): void {
    const existing = this.store.current().mappings.find((m) => m.tailnetPort === tailnetPort);
    if (existing && existing.localPort !== localPort) {
      throw new BridgeError(
        `tailnet port ${tailnetPort} already forwards to local port ${existing.localPort}; remove that mapping first`,
        "conflict",
      );
    }
  }

  /** In the node's queue: adds (or keeps) a mapping and saves it; the node comes up if it is not. */
  async add(request: MappingRequest): Promise<void> {
    this.checkFree(request);
    const { localPort, tailnetPort = localPort } = request;
    const current = this.store.current();
    if (!current.mappings.some((m) => m.tailnetPort === tailnetPort)) {
      await this.store.save({ ...current, mappings: [...current.mappings, { tailnetPort, localPort }] });
    }
    this.node.reconcile();
    const refused = this.node.refusedPort(tailnetPort);
    if (refused !== undefined) {
      await this.store.save(current); // the port cannot be listened on: keep nothing of it
      throw new BridgeError(`cannot listen on tailnet port ${tailnetPort}: ${refused}`, "failed");
    }
    await this.node.start().catch((error: Error) => this.node.fail(error.message));
  }

  /** In the node's queue: removes one mapping, or every one; with none left the node leaves (its identity is kept). */
  async remove(tailnetPort?: number): Promise<void> {
    const current = this.store.current();
    if (tailnetPort !== undefined && !current.mappings.some((m) => m.tailnetPort === tailnetPort)) {
      throw new BridgeError(`tailnet port ${tailnetPort} is not forwarded`, "not-found");
    }
    const mappings = tailnetPort === undefined ? [] : current.mappings.filter((m) => m.tailnetPort !== tailnetPort);
    await this.store.save({ ...current, mappings });
    if (mappings.length === 0) await this.node.leave();
    else this.node.reconcile();
  }

  /** Every saved mapping, with the node's counters for those it forwards now. */
  list(): BridgeMapping[] {
    const live = new Map((this.node.native()?.forwards ?? []).map((f) => [f.tailnetPort, f]));
    return this.store.current().mappings.map((m) => {
      const f = live.get(m.tailnetPort);
      if (!f) return { ...m, ...NO_COUNTERS };
      return { ...f, lastError: f.lastError ?? null, lastClient: f.lastClient ?? null };
    });
  }
}
