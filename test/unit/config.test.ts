import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { headscaleConfig, renderHeadscaleConfig, serverUrl } from "../../helper/config/generate.js";
import { renderPublicDerpMap } from "../../helper/config/public-derp.js";
import { mergeSettings } from "../../helper/config/settings-store.js";
import { homePaths } from "../../helper/home/paths.js";
import { Settings } from "../../helper/protocol/schema.js";

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

  it("turns MagicDNS off so no nameservers or base domain are needed", () => {
    expect(config.dns).toEqual({ magic_dns: false, override_local_dns: false });
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
