import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { headscaleConfig, renderHeadscaleConfig } from "../../helper/config/generate.js";
import { serverUrlOf as serverUrl } from "../../helper/config/reach.js";
import { renderPublicDerpMap } from "../../helper/config/public-derp.js";
import { renderExtraRecords } from "../../helper/config/dns-settings.js";
import { DnsSettings } from "../../helper/protocol/dns.js";
import { mergeSettings } from "../../helper/config/settings-store.js";
import { onlyRecordsOrHelperChanged } from "../../helper/config/transaction.js";
import { homePaths } from "../../helper/home/paths.js";
import { Settings } from "../../helper/protocol/settings.js";
import { sampleDns, sampleDnsConfig } from "../support/samples.js";

const paths = homePaths("/home/u/hr", "/tmp");
const settings = Settings.parse({
  listenAddr: "127.0.0.1:8080",
  grpcListenAddr: "127.0.0.1:50443",
  stunListenAddr: "127.0.0.1:3478",
});

describe("headscaleConfig", () => {
  const config = parse(renderHeadscaleConfig(settings, paths));

  it("has every key Headscale refuses to start without", () => {
    expect(config.server_url).toBe("http://127.0.0.1:8080");
    expect(config.noise.private_key_path).toBe("/home/u/hr/noise_private.key");
    expect(config.prefixes.v4).toBe("100.64.0.0/10");
    expect(config.database.type).toBe("sqlite");
  });

  it("works offline by default: embedded DERP on loopback, nothing to fetch, no phoning home", () => {
    expect(config.derp.urls).toEqual([]);
    expect(config.derp.server.enabled).toBe(true);
    expect(config.derp.server.automatically_add_embedded_derp_region).toBe(true);
    expect(config.derp.server.stun_listen_addr).toBe("127.0.0.1:3478");
    expect(config.disable_check_updates).toBe(true);
    expect(config.logtail.enabled).toBe(false);
  });

  it("turns MagicDNS off so no nameservers or base domain are needed, writing every DNS key", () => {
    // Left out, magic_dns and override_local_dns default to true in Headscale and demand more.
    expect(config.dns).toEqual({
      magic_dns: false,
      base_domain: "",
      override_local_dns: false,
      nameservers: { global: [], split: {} },
      search_domains: [],
      extra_records_path: "/home/u/hr/extra-records.json",
    });
  });

  it("keeps the ACL policy in the database, so it can change without a restart", () => {
    expect(config.policy).toEqual({ mode: "database" });
  });

  it("writes the DNS settings under Headscale 0.29's keys", () => {
    const dns = mergeSettings(settings, {
      dns: {
        ...sampleDns,
        baseDomain: "Tail.Example",
        extraRecords: [{ name: "grafana.tail.example", type: "A", value: "100.64.0.3" }],
      },
    });
    expect(parse(renderHeadscaleConfig(dns, paths)).dns).toEqual(sampleDnsConfig(paths.extraRecords));
    // Headscale takes either extra_records or extra_records_path, never both: the records stay out of the config.
    expect(renderHeadscaleConfig(dns, paths)).not.toContain("grafana");
  });

  it("uses SQLite with WAL in the home and a short unix socket", () => {
    expect(config.database.sqlite).toMatchObject({ path: "/home/u/hr/headscale.db", write_ahead_log: true });
    expect(config.unix_socket).toBe("/home/u/hr/headscale.sock");
    expect(config.unix_socket_permission).toBe("0700");
  });

  it("switches to the static public DERP map on request", () => {
    const pub = headscaleConfig({ ...settings, derp: "public" }, paths) as {
      derp: { paths: string[]; urls: string[]; server: { enabled: boolean } };
    };
    expect(pub.derp.server.enabled).toBe(false);
    expect(pub.derp.urls).toEqual([]);
    expect(pub.derp.paths).toEqual([paths.derpMap]);
    const map = parse(renderPublicDerpMap());
    expect(Object.keys(map.regions).length).toBeGreaterThan(10);
    expect(map.regions["1"].nodes[0].hostname).toBe("derp1.tailscale.com");
  });

  it("writes PostgreSQL settings without the password", () => {
    const pg = headscaleConfig(
      {
        ...settings,
        database: {
          type: "postgres",
          host: "127.0.0.1",
          port: 5432,
          name: "hs",
          user: "hs",
          passwordFile: "/secret",
          sslMode: "disable",
        },
      },
      paths,
    ) as { database: Record<string, unknown> };
    expect(pg.database).toEqual({
      type: "postgres",
      postgres: { host: "127.0.0.1", port: 5432, name: "hs", user: "hs", ssl: "disable", max_open_conns: 10 },
    });
    expect(JSON.stringify(pg)).not.toContain("/secret");
  });

  it("uses the server URL the user chose", () => {
    const custom = { ...settings, serverUrl: "https://hs.example.net" };
    expect(serverUrl(custom)).toBe("https://hs.example.net");
    expect(headscaleConfig(custom, paths).server_url).toBe("https://hs.example.net");
  });
});

describe("mergeSettings", () => {
  it("applies a valid patch", () => {
    expect(mergeSettings(settings, { logLevel: "debug", autoStart: false })).toMatchObject({
      logLevel: "debug",
      autoStart: false,
    });
  });
  it("rejects bad values with the field named", () => {
    expect(() => mergeSettings(settings, { listenAddr: "nonsense" })).toThrow(/listenAddr/);
    expect(() => mergeSettings(settings, { serverUrl: "ftp://x" })).toThrow(/serverUrl/);
    expect(() => mergeSettings(settings, { apiKeyExpiration: "forever" })).toThrow(/apiKeyExpiration/);
  });
});

describe("dns settings", () => {
  const withDns = (dns: unknown, base = settings) => mergeSettings(base, { dns });
  const problem = (dns: unknown, base = settings) => {
    try {
      withDns(dns, base);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("accepted");
  };

  it("merges a patch field by field: naming one field keeps the others", () => {
    const on = withDns({ magicDns: true, baseDomain: "tail.example", nameservers: ["192.0.2.53"] });
    const off = withDns({ magicDns: false }, on);
    expect(off.dns).toMatchObject({ magicDns: false, baseDomain: "tail.example", nameservers: ["192.0.2.53"] });
    expect(withDns({ nameservers: [] }, off).dns.nameservers).toEqual([]);
    expect(withDns({ baseDomain: "" }, off).dns.baseDomain).toBe("");
  });

  it("replaces split DNS as a whole", () => {
    const one = withDns({ splitDns: { "a.example": ["192.0.2.1"] } });
    expect(withDns({ splitDns: { "b.example": ["192.0.2.2"] } }, one).dns.splitDns).toEqual({
      "b.example": ["192.0.2.2"],
    });
  });

  it("needs a base domain for MagicDNS", () => {
    expect(problem({ magicDns: true })).toBe("invalid settings: dns.baseDomain: required when magicDns is on");
    // The base domain the settings already hold counts.
    expect(withDns({ magicDns: true }, withDns({ baseDomain: "tail.example" })).dns.magicDns).toBe(true);
  });

  it("needs global nameservers to override the clients' own DNS", () => {
    expect(problem({ overrideLocalDns: true })).toBe(
      "invalid settings: dns.nameservers: at least one global nameserver is needed when overrideLocalDns is on",
    );
  });

  it("refuses a base domain that is the server's host or above it, whatever the port", () => {
    const server = { ...settings, serverUrl: "https://hs.tail.example:8443" };
    expect(problem({ baseDomain: "tail.example" }, server)).toMatch(
      /^invalid settings: dns\.baseDomain: may not be the server's host \(hs\.tail\.example\) or a domain above it/,
    );
    expect(problem({ baseDomain: "hs.tail.example" }, server)).toMatch(/dns\.baseDomain: may not be the server's host/);
    expect(withDns({ baseDomain: "ail.example" }, server).dns.baseDomain).toBe("ail.example");
    expect(withDns({ baseDomain: "sub.hs.tail.example" }, server).dns.baseDomain).toBe("sub.hs.tail.example");
    // Moving the server under the base domain the settings hold is refused just the same.
    const tail = withDns({ baseDomain: "tail.example" });
    expect(() => mergeSettings(tail, { serverUrl: "http://tail.example" })).toThrow(/dns\.baseDomain: may not be/);
  });

  it("says what is wrong with a field, naming it", () => {
    expect(problem({ baseDomain: "tail.example." })).toMatch(/dns\.baseDomain: a domain name without the trailing dot/);
    expect(problem({ baseDomain: "-tail.example" })).toMatch(/dns\.baseDomain: a domain name: dot-separated labels/);
    expect(problem({ nameservers: ["192.0.2.53:53"] })).toMatch(
      /dns\.nameservers\.0: an IP address \(e\.g\. 192\.0\.2\.53, no port\) or an https:\/\/ URL/,
    );
    expect(problem({ nameservers: ["http://doh.example/"] })).toMatch(/dns\.nameservers\.0: an IP address/);
    expect(problem({ splitDns: { "corp.example": [] } })).toMatch(
      /dns\.splitDns\.corp\.example: at least one nameserver for the domain/,
    );
    expect(problem({ splitDns: { "corp example": ["192.0.2.1"] } })).toMatch(
      /dns\.splitDns\.corp example: a domain name/,
    );
    expect(problem({ searchDomains: ["a..example"] })).toMatch(/dns\.searchDomains\.0: a domain name/);
    expect(problem({ extraRecords: [{ name: "x.example", type: "A", value: "2001:db8::1" }] })).toMatch(
      /dns\.extraRecords\.0\.value: an IPv4 address, as type is A/,
    );
    expect(problem({ extraRecords: [{ name: "x.example", type: "AAAA", value: "192.0.2.1" }] })).toMatch(
      /dns\.extraRecords\.0\.value: an IPv6 address, as type is AAAA/,
    );
    expect(problem({ extraRecords: [{ name: "x.example", type: "CNAME", value: "y.example" }] })).toMatch(
      /dns\.extraRecords\.0\.type/,
    );
    expect(problem({ magicDNS: true })).toMatch(/dns: Unrecognized key: "magicDNS"/);
  });

  it("reads back as the same settings from settings.json", () => {
    const dns = withDns({ magicDns: true, baseDomain: "tail.example" });
    expect(Settings.parse(JSON.parse(JSON.stringify(dns)))).toEqual(dns);
    expect(DnsSettings.parse({}).magicDns).toBeUndefined(); // a patch's absent field stays absent
  });

  it("writes the extra records file as Headscale reads it, [] when there are none", () => {
    expect(renderExtraRecords([])).toBe("[]\n");
    expect(
      JSON.parse(renderExtraRecords([{ name: "db.tail.example", type: "AAAA", value: "fd7a:115c:a1e0::3" }])),
    ).toEqual([{ name: "db.tail.example", type: "AAAA", value: "fd7a:115c:a1e0::3" }]);
  });

  it("restarts Headscale for every DNS change but the extra records", () => {
    const records = withDns({ extraRecords: [{ name: "a.example", type: "A", value: "192.0.2.1" }] });
    expect(onlyRecordsOrHelperChanged(settings, records)).toBe(true);
    expect(onlyRecordsOrHelperChanged(settings, { ...records, autoStart: false })).toBe(true);
    expect(onlyRecordsOrHelperChanged(settings, withDns({ searchDomains: ["a.example"] }))).toBe(false);
    expect(onlyRecordsOrHelperChanged(records, { ...records, logLevel: "debug" })).toBe(false);
  });
});
