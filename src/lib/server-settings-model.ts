/**
 * Server Settings' form, as pure functions: the helper's ConfigView as form values, the checks
 * each field gets (the protocol's own schemas, so the form says what the helper would say), and
 * the patch that names only what the person changed. No Raycast, no I/O.
 */
import { firstIssue, text } from "./form-checks.js";
import {
  dnsRules,
  DnsSettings,
  hostOf,
  isLoopback,
  Nameserver,
  reachOf,
  Settings,
  tlsProblem,
  TlsSettings,
  type ConfigView,
  type Reach,
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

const [, ACME, FILES] = TlsSettings.options;

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

/**
 * One field's own check, as the helper's schema words it; undefined when fine. A field Raycast
 * did not submit (a TLS field of another mode, not shown) is not checked.
 */
export function fieldProblem(id: FieldId, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  switch (id) {
    case "listenAddr":
      return text(value) ? firstIssue(Settings.shape.listenAddr, text(value)) : "host:port, e.g. 127.0.0.1:8080";
    case "serverUrl":
      if (!text(value)) return undefined;
      return firstIssue(Settings.shape.serverUrl, text(value)) && "a URL starting with http:// or https://";
    case "tlsHostname":
      if (!text(value)) return "the name devices use for this server, e.g. hs.example.com";
      return firstIssue(ACME.shape.hostname, text(value));
    case "acmeEmail":
      return firstIssue(ACME.shape.email, text(value));
    case "acmeUrl":
      return text(value) ? firstIssue(ACME.shape.acmeUrl, text(value)) : undefined;
    case "certPath":
    case "keyPath": {
      const path = Array.isArray(value) ? (value[0] as string | undefined) : undefined;
      return firstIssue(FILES.shape[id], path ?? "");
    }
    case "baseDomain":
      return firstIssue(DnsSettings.shape.baseDomain, text(value));
    case "nameservers":
      for (const entry of parseNameservers(String(value))) {
        const problem = firstIssue(Nameserver, entry);
        if (problem) return `${entry}: ${problem}`;
      }
      return undefined;
    default:
      return undefined;
  }
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
 * Every problem with the form as it would be sent: each shown field's own check, then the rules
 * between fields (reach and TLS, reach and listen address, TLS and server URL, DNS and the server's
 * host). `initial` tells which fields were edited; `currentServerUrl` is the URL in force now.
 */
export function formProblems(values: SettingsForm, initial: SettingsForm, currentServerUrl?: string): Problems {
  const problems: Problems = {};
  for (const id of visibleFields(values)) {
    const problem = fieldProblem(id, values[id]);
    if (problem) problems[id] = problem;
  }
  if (values.reach === "internet" && values.tlsMode === "off") {
    problems.tlsMode ??= "Internet needs TLS: choose ACME or Certificate Files";
  }
  // TLS is what the Internet reach is: the helper refuses it on loopback or plain LAN.
  if (values.reach !== "internet" && values.tlsMode !== "off") {
    problems.tlsMode ??= "TLS comes with the Internet reach: choose Internet above, or turn TLS off";
  }
  const listenAddr = values.listenAddr.trim();
  if (!problems.listenAddr && listenAddr !== initial.listenAddr) {
    const loopback = isLoopback(hostOf(listenAddr));
    if (values.reach === "computer" && !loopback) {
      problems.listenAddr =
        "This Computer Only listens on loopback, e.g. 127.0.0.1:8080: choose Local Network for more";
    } else if (values.reach !== "computer" && loopback) {
      problems.listenAddr = "a loopback address lets only this computer in: use e.g. 0.0.0.0:8080";
    }
  }
  const serverUrl = values.serverUrl.trim();
  const tls = tlsFromForm(values);
  if (!problems.serverUrl && serverUrl && tls.mode !== "off" && !problems.tlsHostname) {
    const problem = tlsProblem({ listenAddr: "0.0.0.0:443", serverUrl, stunListenAddr: "", tls });
    if (problem?.startsWith("serverUrl: ")) problems.serverUrl = problem.replace(/^serverUrl: /, "");
  }
  if (!problems.baseDomain && !problems.nameservers) {
    const host = serverHost(values, initial, currentServerUrl);
    const rules = dnsRules(host ?? "").safeParse({
      magicDns: values.magicDns,
      baseDomain: values.baseDomain.trim().toLowerCase(),
      nameservers: parseNameservers(values.nameservers),
      overrideLocalDns: false,
    });
    if (!rules.success) {
      for (const issue of rules.error.issues) {
        const field = issue.path[0] === "nameservers" ? "nameservers" : "baseDomain";
        problems[field] ??=
          issue.message === "required when magicDns is on" ? "required when MagicDNS is on" : issue.message;
      }
    }
  }
  return problems;
}

/** The server URL's host after the change, where the form alone can tell it. */
function serverHost(values: SettingsForm, initial: SettingsForm, currentServerUrl?: string): string | undefined {
  const typed = values.serverUrl.trim();
  const urlHost = (url: string) => {
    try {
      return new URL(url).hostname.replace(/^\[|\]$/g, "");
    } catch {
      return undefined;
    }
  };
  if (typed) return urlHost(typed);
  if (values.tlsMode !== "off") return values.tlsHostname.trim().toLowerCase() || undefined;
  if (values.reach === initial.reach && currentServerUrl) return urlHost(currentServerUrl);
  return undefined; // a new reach picks the URL in the helper
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
