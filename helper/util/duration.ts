const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The longest duration accepted anywhere: keys that outlive this are a mistake, not a choice. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

/** Milliseconds in a Headscale-style duration ("90d", "12h", "30m", "45s", "2w"). */
export function durationMs(text: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. "90d", "12h", "30m")`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Why a duration is not usable as a lifetime (zero, or longer than ten years), or undefined. */
export function durationProblem(text: string): string | undefined {
  if (!/^\d{1,12}[smhdw]$/.test(text)) return 'a duration such as "90d", "12h" or "30m"';
  const ms = durationMs(text);
  if (ms <= 0) return "a duration longer than zero";
  if (ms > MAX_DURATION_MS) return "a duration of at most ten years (3650d)";
  return undefined;
}
