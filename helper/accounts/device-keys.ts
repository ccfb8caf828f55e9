/**
 * Which pre-auth key a device gets: the one it got last time while that key can still
 * register it, otherwise a new one. Pure: the caller supplies the record, Headscale's view
 * of the key and the clock.
 */
export interface DeviceKeyRecord {
  account: string;
  deviceId: string;
  deviceName?: string;
  user: string;
  keyId: string;
  preAuthKey: string;
  expiresAt: string;
  createdAt: string;
}

/** What Headscale says about a stored key; undefined when it no longer lists it. */
export interface KeyState {
  used: boolean;
  reusable: boolean;
  expiration: string | null;
}

/** A key this close to its expiry is not handed out again: the device may not register in time. */
export const REUSE_MARGIN_MS = 60 * 60 * 1000;

export function deviceKeyId(account: string, deviceId: string): string {
  return JSON.stringify([account, deviceId]);
}

export function canReuse(record: DeviceKeyRecord | undefined, state: KeyState | undefined, now: Date): boolean {
  if (!record || !state) return false;
  if (state.used && !state.reusable) return false;
  const expiry = Date.parse(state.expiration ?? record.expiresAt);
  return Number.isFinite(expiry) && expiry - now.getTime() > REUSE_MARGIN_MS;
}
