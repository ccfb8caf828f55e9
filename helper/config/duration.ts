const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds in a Headscale-style duration ("90d", "12h", "30m", "45s", "2w"). */
export function durationMs(text: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. "90d", "12h", "30m")`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
