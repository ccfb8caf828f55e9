/**
 * Where Headscale listens and what URL devices use, as the helper needs them. A config.yaml
 * edited by hand is what Headscale really runs with, so its addresses win over the settings.
 * Pure: the caller reads the file.
 */
import { resolve } from "node:path";
import { parse } from "yaml";
import type { Settings } from "../protocol/schema.js";
import { serverUrl } from "./generate.js";

export interface HeadscaleAddresses {
  /** host:port of Headscale's HTTP listener. */
  listenAddr: string;
  /** The URL remote devices log in to. */
  serverUrl: string;
  /** Headscale's admin socket when config.yaml names its own; otherwise the home's. */
  unixSocket?: string;
}

export function addressesFromSettings(settings: Settings): HeadscaleAddresses {
  return { listenAddr: settings.listenAddr, serverUrl: serverUrl(settings) };
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
  const { listen_addr: listen, server_url: url, unix_socket: socket } = (config ?? {}) as Record<string, unknown>;
  const listenAddr = typeof listen === "string" && /^\S+:\d{1,5}$/.test(listen) ? listen : fallback.listenAddr;
  const validUrl = typeof url === "string" && URL.canParse(url) ? url.replace(/\/+$/, "") : undefined;
  const unixSocket = typeof socket === "string" && socket !== "" ? resolve(home, socket) : fallback.unixSocket;
  return { listenAddr, serverUrl: validUrl ?? fallback.serverUrl, ...(unixSocket ? { unixSocket } : {}) };
}

/** An address this computer can connect to: a wildcard listen address means loopback here. */
export function connectableAddress(listenAddr: string): string {
  return listenAddr
    .replace(/^0\.0\.0\.0:/, "127.0.0.1:")
    .replace(/^\[::\]:/, "[::1]:")
    .replace(/^:/, "127.0.0.1:");
}
