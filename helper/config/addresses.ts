/**
 * Where Headscale listens and what URL devices use, as the helper needs them. A config.yaml
 * edited by hand is what Headscale really runs with, so its addresses win over the settings.
 * Pure: the caller reads the file.
 */
import { resolve } from "node:path";
import { parse } from "yaml";
import type { Settings } from "../protocol/settings.js";
import { serverUrlOf } from "./reach.js";

export interface HeadscaleAddresses {
  /** host:port of Headscale's HTTP listener. */
  listenAddr: string;
  /** The URL remote devices log in to. */
  serverUrl: string;
  /** Headscale's admin socket when config.yaml names its own; otherwise the home's. */
  unixSocket?: string;
  /** The certificate's host name when Headscale serves TLS itself. */
  tlsHostname?: string;
}

export function addressesFromSettings(settings: Settings): HeadscaleAddresses {
  const tls = settings.tls.mode === "off" ? {} : { tlsHostname: settings.tls.hostname };
  return { listenAddr: settings.listenAddr, serverUrl: serverUrlOf(settings), ...tls };
}

/**
 * The addresses a config file names, each falling back to the settings' when absent or unusable.
 * A relative `unix_socket` is relative to `home`, where Headscale runs.
 */
export function addressesFromConfig(yamlText: string, fallback: HeadscaleAddresses, home: string): HeadscaleAddresses {
  let config: unknown;
  try {
    config = parse(yamlText);
  } catch {
    return fallback; // Headscale will refuse it too, and say why when it starts
  }
  const fields = (config ?? {}) as Record<string, unknown>;
  const { listen_addr: listen, server_url: url, unix_socket: socket } = fields;
  const listenAddr = typeof listen === "string" && /^\S+:\d{1,5}$/.test(listen) ? listen : fallback.listenAddr;
  const validUrl = typeof url === "string" && URL.canParse(url) ? url.replace(/\/+$/, "") : undefined;
  const unixSocket = typeof socket === "string" && socket !== "" ? resolve(home, socket) : fallback.unixSocket;
  const serverUrl = validUrl ?? fallback.serverUrl;
  const acmeHost = fields.tls_letsencrypt_hostname;
  const servesTls = (typeof acmeHost === "string" && acmeHost !== "") || Boolean(fields.tls_cert_path);
  const tlsHostname = typeof acmeHost === "string" && acmeHost !== "" ? acmeHost : new URL(serverUrl).hostname;
  return { listenAddr, serverUrl, ...(unixSocket ? { unixSocket } : {}), ...(servesTls ? { tlsHostname } : {}) };
}

/**
 * Where this computer asks Headscale's /health: its listener by way of loopback, over TLS with
 * the certificate's name when it serves TLS.
 */
export function healthTarget(addresses: HeadscaleAddresses): { url: string; servername?: string } {
  const scheme = addresses.tlsHostname ? "https" : "http";
  const url = `${scheme}://${connectableAddress(addresses.listenAddr)}/health`;
  return addresses.tlsHostname ? { url, servername: addresses.tlsHostname } : { url };
}

/**
 * The URL this computer's own node logs in to: Headscale's listener on loopback, or with TLS
 * the server URL, as the certificate names it (and the relay is found through it).
 */
export function nodeControlUrl(addresses: HeadscaleAddresses): string {
  return addresses.tlsHostname ? addresses.serverUrl : `http://${connectableAddress(addresses.listenAddr)}`;
}

/** An address this computer can connect to: a wildcard listen address means loopback here. */
export function connectableAddress(listenAddr: string): string {
  return listenAddr
    .replace(/^0\.0\.0\.0:/, "127.0.0.1:")
    .replace(/^\[::\]:/, "[::1]:")
    .replace(/^:/, "127.0.0.1:");
}
