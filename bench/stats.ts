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
  target?: string;
  /** Whether ours/peer meets the target. */
  met?: boolean;
}

const fmt = (value: number, unit: string) =>
  `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${unit}`;

export function printTable(rows: Row[]): void {
  const lines = rows.map((row) => {
    const ratio = row.better === "lower" ? row.peer / row.ours : row.ours / row.peer;
    return [
      row.metric,
      fmt(row.ours, row.unit),
      `${fmt(row.peer, row.unit)} (${row.peerName})`,
      `${ratio.toFixed(2)}x`,
      row.target ? `${row.target} ${row.met ? "met" : "NOT MET"}` : "",
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
