/** Percentiles and the side-by-side table every benchmark prints. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export interface Row {
  metric: string;
  ours: number;
  peer: number;
  peerName: string;
  unit: string;
  /** "lower" when smaller is better for ours. */
  better: "lower" | "higher";
  /**
   * The least the "ours vs peer" column (>1 = ours better) must show: 1 for "as good as the peer",
   * 2 for "twice as good" (half the memory, twice as fast). Its text and its verdict both come from it.
   */
  target?: number;
  /** Instead of a ratio: the most ours may be, in the row's unit (an absolute budget). */
  ceiling?: number;
}

const fmt = (value: number, unit: string) =>
  `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${unit}`;

/** The target column: what the row must reach, and whether it did. */
function verdict(row: Row, ratio: number): string {
  if (row.target !== undefined) return `>= ${row.target.toFixed(2)}x ${ratio >= row.target ? "met" : "NOT MET"}`;
  if (row.ceiling !== undefined)
    return `<= ${fmt(row.ceiling, row.unit)} ${row.ours <= row.ceiling ? "met" : "NOT MET"}`;
  return "";
}

export function printTable(rows: Row[]): void {
  const lines = rows.map((row) => {
    const ratio = row.better === "lower" ? row.peer / row.ours : row.ours / row.peer;
    return [
      row.metric,
      fmt(row.ours, row.unit),
      `${fmt(row.peer, row.unit)} (${row.peerName})`,
      `${ratio.toFixed(2)}x`,
      verdict(row, ratio),
    ];
  });
  const header = ["metric", "ours", "peer", "ours vs peer (>1 = ours better)", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const show = (cells: string[]) =>
    console.log(
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  show(header);
  show(widths.map((w) => "-".repeat(w)));
  lines.forEach(show);
}

/**
 * How far the ratio of two medians could move with other rounds of the same run: a paired
 * bootstrap (rounds drawn again with replacement, ours and the peer's of one round together, so
 * a busy spell of the machine weighs on both), giving the 2.5th and 97.5th percentiles of
 * median(ours) / median(peer). Seeded, so one set of samples always gives one interval.
 */
export function medianRatioInterval(ours: number[], peer: number[], resamples = 2000, seed = 1): [number, number] {
  if (ours.length !== peer.length || ours.length === 0) throw new Error("medianRatioInterval: paired samples needed");
  let state = seed >>> 0;
  const random = () => {
    // mulberry32: small, fast and good enough to draw round numbers
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < ours.length; i++) {
      const pick = Math.floor(random() * ours.length);
      a.push(ours[pick]!);
      b.push(peer[pick]!);
    }
    ratios.push(percentile(a, 50) / percentile(b, 50));
  }
  return [percentile(ratios, 2.5), percentile(ratios, 97.5)];
}
