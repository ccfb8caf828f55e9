/** A fixed-capacity FIFO: pushing past capacity drops the oldest item. O(1) push. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The newest `n` items, oldest first. */
  tail(n: number = this.count): T[] {
    const take = Math.max(0, Math.min(n, this.count));
    const out: T[] = new Array(take);
    const first = this.start + this.count - take;
    for (let i = 0; i < take; i++) out[i] = this.items[(first + i) % this.capacity] as T;
    return out;
  }
}
