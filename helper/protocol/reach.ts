/**
 * Where devices reach this server, and Headscale's own TLS, as settings and `config set` carry
 * them. What each reach means and how it is applied: config/reach.ts.
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import { DnsName } from "./dns.js";

/** Where devices reach this server: this computer only, the local network, or the internet with TLS. */
export const Reach = z.enum(["computer", "lan", "internet"]);
export type Reach = z.infer<typeof Reach>;

const Hostname = DnsName.refine(
  (name) => name.includes(".") && !/^\d+$/.test(name.slice(name.lastIndexOf(".") + 1)),
  "a fully qualified host name (not an IP address), e.g. hs.example.com",
);

/**
 * TLS through Headscale's own support. `acme`: Headscale gets and renews a certificate from an
 * ACME server (Let's Encrypt unless acmeUrl says otherwise), its cache in the home. `files`: a
 * certificate and key the user provides; checked before they are applied.
 */
export const TlsSettings = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("off") }),
  z.strictObject({
    mode: z.literal("acme"),
    hostname: Hostname,
    email: z.email("an email address for the ACME account, e.g. you@example.com"),
    /** tls-alpn-01 needs port 443 reachable; http-01 needs port 80 (Headscale listens there for it). */
    challenge: z.enum(["tls-alpn-01", "http-01"]).default("tls-alpn-01"),
    acmeUrl: z.url({ protocol: /^https$/, error: "an https:// ACME directory URL" }).optional(),
  }),
  z.strictObject({
    mode: z.literal("files"),
    hostname: Hostname,
    certPath: z.string().refine(isAbsolute, "the certificate's absolute path (PEM)"),
    keyPath: z.string().refine(isAbsolute, "the private key's absolute path (PEM)"),
  }),
]);
export type TlsSettings = z.infer<typeof TlsSettings>;
