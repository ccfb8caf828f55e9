/** What the Headscale supervisor is told: how to launch Headscale, and its timings (with their defaults). */
import type { HealthTarget } from "./health.js";

export interface SupervisorOptions {
  /** Runs before each launch: the config it will read may have to be written, or re-read. */
  prepare?: () => Promise<void>;
  /** Resolved before each launch, so a new path in the settings takes effect on restart. */
  binary: () => Promise<string>;
  configPath: string;
  /** Where Headscale runs: relative paths in a hand-edited config are relative to it. */
  cwd?: string;
  pidFile: string;
  /** Where /health is asked (Headscale's own listener, by way of loopback). */
  health: () => HealthTarget;
  /** Extra environment, e.g. the PostgreSQL password read from its file. */
  extraEnv?: () => Promise<Record<string, string>>;
  onLog: (stream: "stdout" | "stderr" | "helper", text: string) => void;
  stopGraceMs?: number;
  readyTimeoutMs?: number;
  crashLimit?: number;
  crashWindowMs?: number;
  backoffBaseMs?: number;
  /** While running, /health is asked this often; so many misses in a row count as a crash. */
  livenessIntervalMs?: number;
  livenessTimeoutMs?: number;
  livenessMisses?: number;
}

/** The timings and limits unless told otherwise. */
export const SUPERVISOR_DEFAULTS = {
  stopGraceMs: 5000,
  readyTimeoutMs: 60_000,
  crashLimit: 5,
  crashWindowMs: 60_000,
  backoffBaseMs: 500,
  livenessIntervalMs: 10_000,
  livenessTimeoutMs: 5000,
  livenessMisses: 3,
} satisfies Partial<SupervisorOptions>;

export type ResolvedOptions = Required<Omit<SupervisorOptions, "extraEnv" | "prepare" | "cwd">> &
  Pick<SupervisorOptions, "extraEnv" | "prepare" | "cwd">;
