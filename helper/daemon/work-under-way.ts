/**
 * What a client of another build must not cut short by replacing this helper: changes whose
 * caller awaits the answer, counted per kind so that a refusal can say which. Once the helper
 * has agreed to hand over, new changes are refused rather than cut in half.
 */
import { HelperFailure } from "../util/failure.js";

export class WorkUnderWay {
  private readonly counts = new Map<string, number>();
  private handingOver = false;

  /** True from the moment the helper agreed to stop for a newer build. */
  get stopping(): boolean {
    return this.handingOver;
  }

  /** Runs one change of the kind `what`, counted while it is under way. */
  async track<R>(what: string, work: () => Promise<R>): Promise<R> {
    // Only in the moment between agreeing to stop and closing the socket: refused, not cut in half.
    if (this.handingOver) {
      throw new HelperFailure("unavailable", "the helper is stopping to let a newer build take over; run it again");
    }
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.counts.set(what, this.counts.get(what)! - 1);
    }
  }

  /** The kinds of change under way now, in the order they were first seen. */
  busy(): string[] {
    return [...this.counts].filter(([, count]) => count > 0).map(([what]) => what);
  }

  /** From now on every change is refused. */
  handOver(): void {
    this.handingOver = true;
  }
}
