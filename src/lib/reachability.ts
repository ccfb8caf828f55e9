/** Headscale Status' reachability section, from the helper's server.reachability answer. Pure. */
import { REACH_TITLES, type Check, type Reachability } from "../../helper/client/index.js";

/** ok, a problem, a warning (works, but not for long), or not checked / does not apply. */
export type Verdict = "ok" | "problem" | "warning" | "unknown";

export interface ReachRow {
  title: string;
  verdict: Verdict;
  /** What was found, in the helper's words. */
  detail: string;
  /** What to change; null when nothing needs to. */
  fix: string | null;
}

const verdictOf = (check: Check): Verdict =>
  check.warning ? "warning" : check.ok === null ? "unknown" : check.ok ? "ok" : "problem";

const row = (title: string, check: Check): ReachRow => ({
  title,
  verdict: verdictOf(check),
  detail: check.detail,
  fix: check.fix,
});

/** The certificate's row: the helper's verdict, with the name, days left, end and issuer. */
export function certificateRow(reachability: Pick<Reachability, "certificate" | "certificateCheck">): ReachRow {
  const { certificate, certificateCheck } = reachability;
  const base = row("Certificate", certificateCheck);
  if (!certificate) return base;
  const days = certificate.daysLeft;
  const left =
    days < 0 ? `expired ${-days} day${days === -1 ? "" : "s"} ago` : `${days} day${days === 1 ? "" : "s"} left`;
  return {
    ...base,
    detail: `${certificate.name} · ${left} (until ${certificate.notAfter.slice(0, 10)}) · ${certificate.issuer}`,
  };
}

/** The checks, in the order a device meets them: the URL, its name, /health, the certificate, the relay. */
export function reachabilityRows(reachability: Reachability): ReachRow[] {
  return [
    {
      title: "Devices Use",
      verdict: "unknown",
      detail: `${reachability.serverUrl} (${REACH_TITLES[reachability.reach]})`,
      fix: null,
    },
    row("Name Resolves Here", reachability.resolves),
    row("/health Through the URL", reachability.health),
    certificateRow(reachability),
    row("Relay Usable", reachability.relay),
  ];
}

/** The verdict of the whole: a problem if any check has one, else a warning if any, else ok. */
export function overallVerdict(rows: ReachRow[]): Verdict {
  const verdicts = rows.map((r) => r.verdict);
  if (verdicts.includes("problem")) return "problem";
  if (verdicts.includes("warning")) return "warning";
  return verdicts.includes("ok") ? "ok" : "unknown";
}

const MARK: Record<Verdict, string> = { ok: "✅", problem: "❌", warning: "⚠️", unknown: "➖" };

/** Everything, unabridged: what the list's one-line items may cut short. */
export function reachabilityMarkdown(reachability: Reachability): string {
  const lines = [`## ${reachability.summary}`, ""];
  for (const r of reachabilityRows(reachability)) {
    lines.push(`**${r.title}** ${MARK[r.verdict]} ${r.detail}`, "");
    if (r.fix) lines.push(`> Fix: ${r.fix}`, "");
  }
  return lines.join("\n").trimEnd();
}
