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
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
