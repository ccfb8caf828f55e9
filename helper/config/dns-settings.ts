/**
 * The tailnet's DNS as the helper's settings hold it, checked by Headscale 0.29's own rules so
 * a mistake is one clear line from `config set`, not a Headscale that will not start.
 *
 * Every field is optional: a `config set dns=…` patch names only what it changes and is merged
 * field by field into the current settings (mergeDns). `withDnsDefaults` fills in the rest.
 */
import { z } from "zod";

/** A domain name without the trailing dot, as Headscale and Tailscale compare them: lowercase. */
export const DnsName = z
  .string()
  .toLowerCase()
  .max(253, "a domain name of at most 253 characters")
  .refine((name) => !name.endsWith("."), "a domain name without the trailing dot")
  .refine(
    (name) => name.split(".").every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)),
    "a domain name: dot-separated labels of a-z, 0-9, '-' and '_', each 1–63 characters, not starting or ending with '-'",
  );

const isIp = (text: string) => z.ipv4().safeParse(text).success || z.ipv6().safeParse(text).success;

function isDohUrl(text: string): boolean {
  try {
    return new URL(text).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * What Headscale hands clients as a resolver: a plain IP, or an https URL (DNS over HTTPS).
 * Headscale itself drops anything else with only a warning in its log: refuse it here instead.
 */
export const Nameserver = z
  .string()
  .refine(
    (text) => isIp(text) || isDohUrl(text),
    "an IP address (e.g. 192.0.2.53, no port) or an https:// URL for DNS over HTTPS",
  );

/** Tailscale clients serve only A and AAAA extra records. */
export const ExtraRecord = z.discriminatedUnion("type", [
  z.strictObject({ name: DnsName, type: z.literal("A"), value: z.ipv4("an IPv4 address, as type is A") }),
  z.strictObject({ name: DnsName, type: z.literal("AAAA"), value: z.ipv6("an IPv6 address, as type is AAAA") }),
]);
export type ExtraRecord = z.infer<typeof ExtraRecord>;

/**
 * Domain → its resolvers. The keys are checked here rather than by a key schema, whose error
 * would only say "Invalid key in record".
 */
const SplitDns = z
  .record(z.string(), z.array(Nameserver).min(1, "at least one nameserver for the domain"))
  .superRefine((routes, ctx) => {
    for (const domain of Object.keys(routes)) {
      const checked = DnsName.safeParse(domain);
      if (!checked.success) ctx.addIssue({ code: "custom", path: [domain], message: checked.error.issues[0]!.message });
    }
  })
  .transform((routes) => Object.fromEntries(Object.entries(routes).map(([domain, ns]) => [domain.toLowerCase(), ns])));

/** Strict: a misspelt field ("magicDNS") is an error, not silently nothing. */
export const DnsSettings = z.strictObject({
  /** Names like laptop.<baseDomain> for every node; needs baseDomain. */
  magicDns: z.boolean().optional(),
  /** The tailnet's own domain; "" for none. Not the server's host nor a parent of it. */
  baseDomain: z.union([z.literal(""), DnsName]).optional(),
  /** Global resolvers handed to clients. */
  nameservers: z.array(Nameserver).optional(),
  /** Clients use only these nameservers instead of their own; needs at least one. */
  overrideLocalDns: z.boolean().optional(),
  /** Domain → the resolvers that answer for it (and only for it). */
  splitDns: SplitDns.optional(),
  searchDomains: z.array(DnsName).optional(),
  /** Served by every client's MagicDNS resolver; changed live, without restarting Headscale. */
  extraRecords: z.array(ExtraRecord).optional(),
});
export type DnsSettings = z.infer<typeof DnsSettings>;
export type CompleteDns = Required<DnsSettings>;

export const DNS_DEFAULTS: CompleteDns = {
  magicDns: false,
  baseDomain: "",
  nameservers: [],
  overrideLocalDns: false,
  splitDns: {},
  searchDomains: [],
  extraRecords: [],
};

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
