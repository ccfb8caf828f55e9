/**
 * Server Settings' form, as pure functions: the helper's ConfigView as form values, the fields
 * shown and how one choice moves another, and the patch that names only what the person changed.
 * The checks are in server-settings-checks.ts. No Raycast, no I/O.
 */
import {
  reachOf,
  type TlsSettings,
  type ConfigView,
  type DnsSettings,
  type Reach,
  type Settings,
  type SettingsPatch,
} from "../../helper/client/index.js";

export type TlsMode = TlsSettings["mode"];
export type AcmeChallenge = Extract<TlsSettings, { mode: "acme" }>["challenge"];

/** One value per form item; the TLS fields of the modes not chosen are kept but not sent. */
export interface SettingsForm {
  reach: Reach;
  listenAddr: string;
  /** "" = automatic: the helper derives it from the reach, TLS and listen address. */
  serverUrl: string;
  tlsMode: TlsMode;
  tlsHostname: string;
  acmeEmail: string;
  acmeChallenge: AcmeChallenge;
  /** "" = Let's Encrypt. */
  acmeUrl: string;
  /** A file picker's value: zero or one path. */
  certPath: string[];
  keyPath: string[];
  derp: Settings["derp"];
  magicDns: boolean;
  baseDomain: string;
  /** Comma-separated, as typed. */
  nameservers: string;
  autoStart: boolean;
}
export type FieldId = keyof SettingsForm;
export type Problems = Partial<Record<FieldId, string>>;

export const REACH_CHOICES: { value: Reach; title: string; info: string }[] = [
  { value: "computer", title: "This Computer Only", info: "Listens on loopback: only this computer can join" },
  {
    value: "lan",
    title: "Local Network",
    info: "Listens on every interface over plain HTTP: devices on the same network can join",
  },
  {
    value: "internet",
    title: "Internet",
    info: "A host name with TLS on port 443: phones on mobile data get through, relay included",
  },
];
export const TLS_CHOICES: { value: TlsMode; title: string }[] = [
  { value: "off", title: "Off" },
  { value: "acme", title: "ACME (Let's Encrypt)" },
  { value: "files", title: "Certificate Files" },
];
export const CHALLENGE_CHOICES: { value: AcmeChallenge; title: string }[] = [
  { value: "tls-alpn-01", title: "TLS-ALPN-01 (port 443)" },
  { value: "http-01", title: "HTTP-01 (port 80)" },
];
export const DERP_CHOICES: { value: Settings["derp"]; title: string }[] = [
  { value: "embedded", title: "Embedded (Headscale's own relay)" },
  { value: "public", title: "Public (Tailscale's relays)" },
];

/** The form's values for the settings the helper holds now. */
export function formFromConfig(view: ConfigView): SettingsForm {
  const { settings } = view;
  const tls = settings.tls;
  return {
    reach: view.reach ?? reachOf(settings),
    listenAddr: settings.listenAddr,
    serverUrl: settings.serverUrl ?? "",
    tlsMode: tls.mode,
    tlsHostname: tls.mode === "off" ? "" : tls.hostname,
    acmeEmail: tls.mode === "acme" ? tls.email : "",
    acmeChallenge: tls.mode === "acme" ? tls.challenge : "tls-alpn-01",
    acmeUrl: tls.mode === "acme" ? (tls.acmeUrl ?? "") : "",
    certPath: tls.mode === "files" ? [tls.certPath] : [],
    keyPath: tls.mode === "files" ? [tls.keyPath] : [],
    derp: settings.derp,
    magicDns: settings.dns.magicDns ?? false,
    baseDomain: settings.dns.baseDomain ?? "",
    nameservers: (settings.dns.nameservers ?? []).join(", "),
    autoStart: settings.autoStart,
  };
}

/** "192.0.2.53, 2001:db8::53" → the list; spaces and empty entries dropped. */
export function parseNameservers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** The TLS settings the chosen mode makes of the form; fields of the other modes play no part. */
export function tlsFromForm(values: SettingsForm): TlsSettings {
  const hostname = values.tlsHostname.trim().toLowerCase();
  switch (values.tlsMode) {
    case "off":
      return { mode: "off" };
    case "acme": {
      const acmeUrl = values.acmeUrl.trim();
      return {
        mode: "acme",
        hostname,
        email: values.acmeEmail.trim(),
        challenge: values.acmeChallenge,
        ...(acmeUrl ? { acmeUrl } : {}),
      };
    }
    case "files":
      return { mode: "files", hostname, certPath: values.certPath[0] ?? "", keyPath: values.keyPath[0] ?? "" };
  }
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * What to send to config.set: only what differs from `initial` (the settings as loaded). A new
 * reach is sent as `reach`, and the helper sets the listen address, server URL and TLS from it,
 * except for those the person edited here, which are sent too and win.
 */
export function patchFromForm(initial: SettingsForm, current: SettingsForm): SettingsPatch {
  const patch: SettingsPatch = {};
  if (current.reach !== initial.reach) patch.reach = current.reach;
  const listenAddr = current.listenAddr.trim();
  if (listenAddr !== initial.listenAddr) patch.listenAddr = listenAddr;
  const serverUrl = current.serverUrl.trim();
  if (serverUrl !== initial.serverUrl) patch.serverUrl = serverUrl || null;
  const tls = tlsFromForm(current);
  // Leaving the internet turns TLS off by itself: the reach decides it.
  const reachDecidesTls = patch.reach !== undefined && patch.reach !== "internet";
  if (!reachDecidesTls && JSON.stringify(tls) !== JSON.stringify(tlsFromForm(initial))) patch.tls = tls;
  if (current.derp !== initial.derp) patch.derp = current.derp;
  const dns: DnsSettings = {};
  if (current.magicDns !== initial.magicDns) dns.magicDns = current.magicDns;
  const baseDomain = current.baseDomain.trim().toLowerCase();
  if (baseDomain !== initial.baseDomain) dns.baseDomain = baseDomain;
  const nameservers = parseNameservers(current.nameservers);
  if (!sameList(nameservers, parseNameservers(initial.nameservers))) dns.nameservers = nameservers;
  if (Object.keys(dns).length > 0) patch.dns = dns;
  if (current.autoStart !== initial.autoStart) patch.autoStart = current.autoStart;
  return patch;
}

/** The fields the form shows for these values (TLS fields only for their mode). */
export function visibleFields(values: Pick<SettingsForm, "tlsMode">): FieldId[] {
  const tls: FieldId[] =
    values.tlsMode === "acme"
      ? ["tlsHostname", "acmeEmail", "acmeChallenge", "acmeUrl"]
      : values.tlsMode === "files"
        ? ["tlsHostname", "certPath", "keyPath"]
        : [];
  return [
    "reach",
    "listenAddr",
    "serverUrl",
    "tlsMode",
    ...tls,
    "derp",
    "magicDns",
    "baseDomain",
    "nameservers",
    "autoStart",
  ];
}

/**
 * What else a choice changes, so the form never asks for what cannot be: TLS means the Internet
 * reach, and leaving the Internet turns TLS off (the reach would anyway).
 */
export function linkedChanges(values: SettingsForm, id: FieldId, value: unknown): Partial<SettingsForm> {
  if (id === "tlsMode" && value !== "off" && values.reach !== "internet") return { reach: "internet" };
  if (id === "reach" && value !== "internet" && values.tlsMode !== "off") return { tlsMode: "off" };
  if (id === "reach" && value === "internet" && values.tlsMode === "off") return { tlsMode: "acme" };
  return {};
}

/** The success toast's title: where devices log in now. */
export function savedTitle(view: ConfigView): string {
  const url = view.serverUrl ?? view.settings.serverUrl;
  return url ? `Saved: devices use ${url}` : "Saved the server settings";
}
