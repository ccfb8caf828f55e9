/**
 * The tailnet's DNS settings at work: defaults filled in, patches merged field by field, the
 * rules that span fields, and the records file Headscale reads. The schemas are the protocol's
 * (protocol/dns.ts).
 */
import { z } from "zod";
import { DNS_DEFAULTS, type CompleteDns, type DnsSettings, type ExtraRecord } from "../protocol/dns.js";

export function withDnsDefaults(dns: DnsSettings | undefined): CompleteDns {
  return { ...DNS_DEFAULTS, ...dns };
}

/**
 * The current DNS settings with a patch's fields laid over them: naming one field never resets
 * another. A field's whole value is replaced (splitDns too), so a list can be emptied with [].
 */
export function mergeDns(current: DnsSettings, patch: DnsSettings): CompleteDns {
  return withDnsDefaults({ ...withDnsDefaults(current), ...patch });
}

/**
 * The rules that span fields (and the server's host), as Headscale 0.29 enforces them at start,
 * with the field to fix named in the path. Headscale compares the server's host with its port
 * still on when it looks for a parent domain, so it misses `hs.tail.example:8080` under
 * `tail.example`; clients would still lose the server to MagicDNS, so we refuse that too.
 */
export function dnsRules(serverHost: string) {
  const host = serverHost.toLowerCase().replace(/\.$/, "");
  return z
    .object({
      magicDns: z.boolean(),
      baseDomain: z.string(),
      nameservers: z.array(z.string()),
      overrideLocalDns: z.boolean(),
    })
    .superRefine((dns, ctx) => {
      if (dns.magicDns && dns.baseDomain === "") {
        ctx.addIssue({ code: "custom", path: ["baseDomain"], message: "required when magicDns is on" });
      }
      if (dns.baseDomain !== "" && (host === dns.baseDomain || host.endsWith(`.${dns.baseDomain}`))) {
        ctx.addIssue({
          code: "custom",
          path: ["baseDomain"],
          message:
            `may not be the server's host (${host}) or a domain above it: MagicDNS would take ` +
            "that name over and clients would lose the server",
        });
      }
      if (dns.overrideLocalDns && dns.nameservers.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["nameservers"],
          message: "at least one global nameserver is needed when overrideLocalDns is on",
        });
      }
    });
}

/** The records file Headscale reads (extra_records_path): JSON, as its watcher expects. */
export function renderExtraRecords(records: readonly ExtraRecord[]): string {
  return JSON.stringify(records.map(({ name, type, value }) => ({ name, type, value }))) + "\n";
}
