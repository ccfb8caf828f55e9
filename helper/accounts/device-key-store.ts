/** The device → key records, one 0600 JSON file, rewritten atomically on every change. */
import { z } from "zod";
import { readIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { deviceKeyId, type DeviceKeyRecord } from "./device-keys.js";

const Record = z.object({
  account: z.string(),
  deviceId: z.string(),
  deviceName: z.string().optional(),
  user: z.string(),
  keyId: z.string(),
  preAuthKey: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
const FileShape = z.object({ version: z.literal(1), devices: z.array(Record) });

export class DeviceKeyStore {
  private constructor(
    private readonly path: string,
    private readonly records: Map<string, DeviceKeyRecord>,
  ) {}

  static async open(path: string): Promise<DeviceKeyStore> {
    const text = await readIfExists(path);
    const records = new Map<string, DeviceKeyRecord>();
    if (text !== undefined) {
      // A damaged file is reported, never silently replaced: it holds live keys.
      const parsed = FileShape.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Error(`${path} is damaged (${parsed.error.issues[0]?.message}); move it away to start afresh`);
      for (const record of parsed.data.devices) records.set(deviceKeyId(record.account, record.deviceId), record);
    }
    return new DeviceKeyStore(path, records);
  }

  get(account: string, deviceId: string): DeviceKeyRecord | undefined {
    return this.records.get(deviceKeyId(account, deviceId));
  }

  async put(record: DeviceKeyRecord): Promise<void> {
    const next = new Map(this.records).set(deviceKeyId(record.account, record.deviceId), record);
    // Write first: the in-memory view never gets ahead of what a crash would leave on disk.
    await writeFileAtomic(this.path, JSON.stringify({ version: 1, devices: [...next.values()] }));
    this.records.set(deviceKeyId(record.account, record.deviceId), record);
  }
}
