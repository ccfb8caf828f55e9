/**
 * bridge.json: the tailnet ports the bridge forwards and the identity of the node that serves
 * them. The bridge's own file, 0600, rewritten atomically on every change; no other writer.
 */
import { z } from "zod";
import { readIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { DnsLabel, MAX_NAME, Port } from "../protocol/types.js";
import { describeIssues } from "../util/issues.js";
import { reasonOf } from "../util/storage-errors.js";
import { BridgeError } from "./bridge-error.js";

export const BridgeConfig = z.object({
  mappings: z
    .array(z.object({ tailnetPort: Port, localPort: Port }))
    .default([])
    // A hand edit can repeat a port; the node listens on each port once, so which one would win?
    .refine((mappings) => new Set(mappings.map((m) => m.tailnetPort)).size === mappings.length, {
      message: "a tailnet port is mapped twice; keep one mapping per tailnet port",
    }),
  /** Whose Headscale user the node belongs to; the OS user's name when not set. */
  account: z.string().min(1).max(MAX_NAME).optional(),
  /** The node's tailnet name; the machine name, sanitised, when not set. */
  hostname: DnsLabel.optional(),
});
export type BridgeConfig = z.infer<typeof BridgeConfig>;
export type Mapping = BridgeConfig["mappings"][number];

const EMPTY: BridgeConfig = { mappings: [] };

/** bridge.json cannot be read: the bridge stays off and the file is left for the person to repair. */
export class DamagedBridgeFileError extends BridgeError {
  constructor(path: string, problem: "is damaged" | "cannot be read", cause: unknown) {
    super(
      `${path} ${problem} (${reasonOf(cause)}); ` +
        "the bridge is off until you repair it or move it away to start with no mappings",
      "failed",
      { cause, causeSaid: true },
    );
    this.name = "DamagedBridgeFileError";
  }
}

/** The file's text as a bridge config, or why it is not one. */
export function parseBridgeFile(text: string): BridgeConfig | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  const parsed = BridgeConfig.safeParse(json);
  return parsed.success ? parsed.data : describeIssues(parsed.error);
}

export const renderBridgeFile = (config: BridgeConfig) => JSON.stringify(config, null, 2) + "\n";

export class BridgeStore {
  private constructor(
    private readonly path: string,
    private config: BridgeConfig,
    /** Why the file could not be read; set, every change fails and the file stays untouched. */
    private damaged?: DamagedBridgeFileError,
  ) {}

  /** Never throws for a damaged file: the rest of the helper works on, and `damage` says why. */
  static async open(path: string): Promise<BridgeStore> {
    const read = await BridgeStore.read(path);
    return read instanceof DamagedBridgeFileError ? new BridgeStore(path, EMPTY, read) : new BridgeStore(path, read);
  }

  private static async read(path: string): Promise<BridgeConfig | DamagedBridgeFileError> {
    let text: string | undefined;
    try {
      text = await readIfExists(path);
    } catch (error) {
      return new DamagedBridgeFileError(path, "cannot be read", error);
    }
    if (text === undefined) return EMPTY;
    const parsed = parseBridgeFile(text);
    return typeof parsed === "string" ? new DamagedBridgeFileError(path, "is damaged", parsed) : parsed;
  }

  get damage(): DamagedBridgeFileError | undefined {
    return this.damaged;
  }

  /** A damaged file read again (the person may have repaired it, or moved it away); true once it reads. */
  async rereadIfDamaged(): Promise<boolean> {
    if (!this.damaged) return false;
    const read = await BridgeStore.read(this.path);
    if (read instanceof DamagedBridgeFileError) {
      this.damaged = read;
      return false;
    }
    [this.config, this.damaged] = [read, undefined];
    return true;
  }

  /** What the bridge serves and as whom; nothing while the file is damaged. */
  current(): BridgeConfig {
    return this.config;
  }

  async save(next: BridgeConfig): Promise<void> {
    if (this.damaged) throw this.damaged;
    // Written first: what is in force never gets ahead of what a crash would leave on disk.
    await writeFileAtomic(this.path, renderBridgeFile(next));
    this.config = next;
  }
}
