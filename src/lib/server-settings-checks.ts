/**
 * Server Settings' checks, as pure functions: each field's own (the protocol's own schemas, so
 * the form says what the helper would say), then the rules between fields. No Raycast, no I/O.
 */
import { firstIssue, text } from "./form-checks.js";
import {
  parseNameservers,
  tlsFromForm,
  visibleFields,
  type FieldId,
  type Problems,
  type SettingsForm,
} from "./server-settings-model.js";
import {
  dnsRules,
  DnsSettings,
  hostOf,
  isLoopback,
  Nameserver,
  Settings,
  tlsProblem,
  TlsSettings,
} from "../../helper/client/index.js";

const [, ACME, FILES] = TlsSettings.options;

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
