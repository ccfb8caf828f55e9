/**
 * One full garbage collection once the helper has gone quiet after a busy spell. V8 sizes its
 * heap for the spell's peak (a few listings of thousands of nodes) and gives the pages back only
 * when a later collection happens to shrink it, which an idle process may not run for hours.
 * Nothing is dropped but garbage: the cached listings stay. Needs Node's --expose-gc (one of
 * HELPER_NODE_FLAGS); a helper started without it never collects on its own account.
 */
export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly quietMs = 3_000,
    private readonly collect: (() => void) | undefined = globalThis.gc,
  ) {}

  /** Something was done: collect once nothing else has been for `quietMs`. */
  touch(): void {
    if (!this.collect) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect?.();
    }, this.quietMs).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
