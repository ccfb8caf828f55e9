/**
 * Nodes online/total and routes awaiting approval, kept fresh in the background so that `status` (which the menu bar
 * asks every minute) answers from memory instead of listing every node each time.
 */
import type { AdminClient } from "../headscale/admin-client.js";

export interface Counts {
  total: number;
  online: number;
  /** Routes offered by nodes and not approved yet, over the whole tailnet. */
  pendingRoutes: number;
  updatedAt: string;
}

/**
 * How long to wait before the next background refresh in a tailnet of `nodes`: 10 ms a node, at
 * least `intervalMs` and at most a minute (how often the menu bar asks). A listing costs Headscale
 * about 10 µs of CPU a node (49 ms at 5,000), so a large tailnet is refreshed at about 0.1% of a
 * core, where a fixed 10 s spent 0.5% at 5,000 nodes. The node count, not the time the last
 * refresh took, so that a busy moment on the machine does not stretch the wait. Changes made
 * through the helper refresh the counts at once regardless.
 */
export function nextRefreshDelay(intervalMs: number, nodes: number): number {
  return Math.min(Math.max(intervalMs, nodes * 10), Math.max(intervalMs, 60_000));
}

export class NodeCounts {
  current: Counts | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly admin: AdminClient,
    private readonly intervalMs = 10_000,
  ) {}

  refresh(): Promise<void> {
    this.inFlight ??= this.admin
      .countNodes()
      .then((counts) => {
        this.current = { ...counts, updatedAt: new Date().toISOString() };
      })
      .catch(() => {}) // a failed refresh keeps the last counts; status shows their age
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  start(): void {
    this.stop();
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    const timer = setTimeout(async () => {
      await this.refresh();
      // Stopped (or restarted) while refreshing: that call owns the schedule now.
      if (this.timer === timer) this.schedule(nextRefreshDelay(this.intervalMs, this.current?.total ?? 0));
    }, delayMs);
    this.timer = timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
