/**
 * The settings as they cross the wire: `config.get` answers with them, `config.set` takes a patch
 * of them. They are also what settings.json holds (config/settings-store.ts reads and writes it);
 * the bridge keeps its own in bridge.json.
 */
import { z } from "zod";
import { DNS_DEFAULTS, DnsSettings } from "./dns.js";
import { Reach, TlsSettings } from "./reach.js";
import { DEFAULT_API_KEY_EXPIRATION, Duration } from "./types.js";

/** host:port with a port Headscale can listen on (1–65535; 0 would pick one we could not find). */
const HostPort = z
  .string()
  // Aborting: a text that is no host:port has no port to complain about.
  .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i, { message: "host:port, e.g. 127.0.0.1:8080", abort: true })
  .refine((text) => {
    const port = Number(text.slice(text.lastIndexOf(":") + 1));
    return port >= 1 && port <= 65535;
  }, "the port must be from 1 to 65535");

const DatabaseSettings = z.discriminatedUnion("type", [
  // Strict: a misspelt or unknown key (a `password`, say) is refused, not silently dropped.
  z.strictObject({ type: z.literal("sqlite") }),
  z.strictObject({
    type: z.literal("postgres"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    name: z.string().min(1),
    user: z.string().min(1),
    /** A file holding the password (kept out of the config and argv); optional for peer/trust auth. */
    passwordFile: z.string().optional(),
    sslMode: z.enum(["disable", "require", "verify-full"]).default("disable"),
  }),
]);

/** What a person can set through the helper; Headscale's YAML is generated from it. */
export const Settings = z.object({
  listenAddr: HostPort,
  /** Defaults to https://<tls hostname> with TLS, else http://<listenAddr>; set it to the address remote devices use. */
  serverUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Headscale's own TLS: off, ACME (Let's Encrypt or another ACME server), or certificate files. */
  tls: TlsSettings.default({ mode: "off" }),
  grpcListenAddr: HostPort,
  stunListenAddr: HostPort,
  database: DatabaseSettings.default({ type: "sqlite" }),
  /** embedded: Headscale's own DERP relay, no internet needed. public: Tailscale's relays. */
  derp: z.enum(["embedded", "public"]).default("embedded"),
  headscalePath: z.string().optional(),
  autoStart: z.boolean().default(true),
  logLines: z.number().int().min(10).max(100_000).default(1000),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error"]).default("info"),
  /** How long an API key made with `keys api` (apiKeys.create) lives unless asked otherwise. */
  apiKeyExpiration: Duration.default(DEFAULT_API_KEY_EXPIRATION),
  clientKeyExpiration: Duration.default("30d"),
  prefixV4: z.string().default("100.64.0.0/10"),
  prefixV6: z.string().default("fd7a:115c:a1e0::/48"),
  /** The tailnet's DNS (MagicDNS, nameservers, split DNS, extra records); a patch merges field by field. */
  dns: DnsSettings.default(DNS_DEFAULTS),
});
export type Settings = z.infer<typeof Settings>;
/** Optional settings a patch may clear (back to their default) with "" or null. */
export const CLEARABLE_SETTINGS = ["serverUrl", "headscalePath"] as const;

/** Only the keys a caller names: Settings' defaults must not fill in the rest of a patch. */
export const SettingsPatch = z
  .object(
    Object.fromEntries(
      Object.entries(Settings.shape).map(([key, schema]) => {
        const plain = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
        const clearable = (CLEARABLE_SETTINGS as readonly string[]).includes(key);
        return [key, (clearable ? z.union([plain, z.literal(""), z.null()]) : plain).optional()];
      }),
    ),
  )
  // Not stored: it sets listenAddr, serverUrl, stunListenAddr and tls together (config/reach.ts).
  .extend({ reach: Reach.optional() })
  .strict() as unknown as z.ZodType<SettingsPatch>;
export type SettingsPatch = {
  [K in keyof Settings]?: Settings[K] | (K extends (typeof CLEARABLE_SETTINGS)[number] ? "" | null : never);
} & { reach?: Reach };

/** The settings as stored, with what they amount to. */
export const ConfigView = z.object({
  settings: Settings,
  configPath: z.string(),
  editedByHand: z.boolean(),
  /** Absent from older helpers. */
  reach: Reach.optional(),
  /** The URL devices log in to. */
  serverUrl: z.string().optional(),
});
export type ConfigView = z.infer<typeof ConfigView>;
