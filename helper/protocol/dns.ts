/**
 * The tailnet's DNS as settings and `config set` carry it, checked by Headscale 0.29's own rules
 * so a mistake is one clear line from `config set`, not a Headscale that will not start.
 *
 * Every field is optional: a `config set dns=…` patch names only what it changes and is merged
 * field by field into the current settings (config/dns-settings.ts mergeDns).
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
