/** The device → key records, one 0600 JSON file, rewritten atomically on every change. */
import { z } from "zod";
import { readIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { deviceKeyId, type DeviceKeyRecord } from "./device-keys.js";
import { describeIssues } from "../util/issues.js";
import { HelperFailure } from "../util/failure.js";
import { reasonOf } from "../util/storage-errors.js";

const StoredDeviceKey = z.object({
  account: z.string(),
  deviceId: z.string(),
  deviceName: z.string().optional(),
  user: z.string(),
  keyId: z.string(),
  preAuthKey: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
const FileShape = z.object({ version: z.literal(1), devices: z.array(StoredDeviceKey) });

/** The records file cannot be read: minting is refused until someone moves it away or repairs it. */
export class DamagedStateError extends HelperFailure {
  constructor(path: string, cause: unknown) {
    super(
      "failed",
      `${path} is damaged (${reasonOf(cause)}); minting is off until you repair it or move it away to start afresh`,
      { cause, causeSaid: true },
    );
    this.name = "DamagedStateError";
  }
}

export class DeviceKeyStore {
  private constructor(
    private readonly path: string,
    private records: Map<string, DeviceKeyRecord>,
    /** Why the file could not be read; set, it makes every use fail and the file stays untouched. */
    private damaged?: DamagedStateError,
  ) {}

  get damage(): DamagedStateError | undefined {
    return this.damaged;
  }

  /**
   * Never throws for a damaged file: it holds live keys, so it is reported and left as it is,
   * and everything but minting goes on working.
   */
  static async open(path: string): Promise<DeviceKeyStore> {
    const read = await DeviceKeyStore.read(path);
    return read instanceof DamagedStateError
      ? new DeviceKeyStore(path, new Map(), read)
      : new DeviceKeyStore(path, read);
  }

  /** A damaged file read again: the person may have repaired it, or moved it away, since. */
  async rereadIfDamaged(): Promise<void> {
    if (!this.damaged) return;
    const read = await DeviceKeyStore.read(this.path);
    if (read instanceof DamagedStateError) this.damaged = read;
    else [this.records, this.damaged] = [read, undefined];
  }

  private static async read(path: string): Promise<Map<string, DeviceKeyRecord> | DamagedStateError> {
    const records = new Map<string, DeviceKeyRecord>();
    try {
      const text = await readIfExists(path);
      if (text === undefined) return records;
      const parsed = FileShape.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(describeIssues(parsed.error));
      for (const record of parsed.data.devices) records.set(deviceKeyId(record.account, record.deviceId), record);
      return records;
    } catch (error) {
      return new DamagedStateError(path, error);
    }
  }

  get(account: string, deviceId: string): DeviceKeyRecord | undefined {
    if (this.damaged) throw this.damaged;
    return this.records.get(deviceKeyId(account, deviceId));
  }

  /** The device a pre-auth key was minted for, if it was minted here (undefined when damaged). */
  deviceOf(keyId: string): DeviceKeyRecord | undefined {
    if (this.damaged) return undefined;
    for (const record of this.records.values()) if (record.keyId === keyId) return record;
    return undefined;
  }

  async put(record: DeviceKeyRecord): Promise<void> {
    if (this.damaged) throw this.damaged;
    const next = new Map(this.records).set(deviceKeyId(record.account, record.deviceId), record);
    // Write first: the in-memory view never gets ahead of what a crash would leave on disk.
    await writeFileAtomic(this.path, JSON.stringify({ version: 1, devices: [...next.values()] }));
    this.records.set(deviceKeyId(record.account, record.deviceId), record);
  }
}
