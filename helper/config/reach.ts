/**
 * Where devices reach this server: one choice that sets the listen address, the server URL, the
 * STUN address and TLS together, so they never disagree. Pure: the caller passes in this
 * computer's LAN addresses.
 *
 * - `computer`: loopback only (the default): nothing off this computer can join.
 * - `lan`: every interface (or one address), plain HTTP, a URL on a LAN address or a name the
 *   user gives. Devices on the same network join; the relay cannot serve stock clients.
 * - `internet`: a hostname with TLS (ACME or certificate files) on port 443: Headscale's own
 *   DERP relay works for stock clients, so a phone on mobile data gets through.
 */
import { Reach, TlsSettings } from "../protocol/reach.js";

/** Headscale's own default ACME directory. */
export const LETS_ENCRYPT_DIRECTORY = "https://acme-v02.api.letsencrypt.org/directory";
/** The STUN port Tailscale clients are used to; the one a user forwards on a router. */
export const STUN_PORT = 3478;
/** Where TLS is served unless listenAddr says otherwise, and what tls-alpn-01 is answered on. */
export const HTTPS_PORT = 443;

/** The part of the settings a reach decides. */
export interface ReachFields {
  listenAddr: string;
  serverUrl?: string;
  stunListenAddr: string;
  tls: TlsSettings;
}

/** The host of a host:port, without IPv6 brackets. */
export const hostOf = (hostPort: string) => hostPort.slice(0, hostPort.lastIndexOf(":")).replace(/^\[|\]$/g, "");
const portOf = (hostPort: string) => Number(hostPort.slice(hostPort.lastIndexOf(":") + 1));
/** True for a loopback host: only this computer can connect to it. */
export const isLoopback = (host: string) => host === "localhost" || host === "::1" || /^127\./.test(host);
const isWildcard = (host: string) => host === "0.0.0.0" || host === "::" || host === "";

/** How each reach reads to people (the CLI, Raycast). */
export const REACH_TITLES: Record<Reach, string> = {
  computer: "This Computer Only",
  lan: "Local Network",
  internet: "Internet (TLS)",
};

/** The reach the fields amount to: a loopback listener is this computer only; TLS beyond it is internet. */
export function reachOf(fields: ReachFields): Reach {
  return reachOfListener(fields.listenAddr, fields.tls.mode !== "off");
}

/** The same from what Headscale runs with (a hand-edited config has no settings to go by). */
export function reachOfListener(listenAddr: string, tls: boolean): Reach {
  if (isLoopback(hostOf(listenAddr))) return "computer";
  return tls ? "internet" : "lan";
}

/** The URL devices log in to: the one set, else https://hostname with TLS, else http://listenAddr. */
export function serverUrlOf(fields: ReachFields): string {
  if (fields.serverUrl) return fields.serverUrl;
  if (fields.tls.mode !== "off") {
    const port = portOf(fields.listenAddr);
    return `https://${fields.tls.hostname}${port === HTTPS_PORT ? "" : `:${port}`}`;
  }
  return `http://${fields.listenAddr}`;
}

/** What a patch may name beside `reach`: these override what the reach would choose. */
export interface ReachRequest {
  reach: Reach;
  listenAddr?: string;
  serverUrl?: string | null;
  stunListenAddr?: string;
  tls?: TlsSettings;
}

/** What only the caller's machine knows, for choosing addresses. */
export interface ReachContext {
  /** This computer's LAN IPv4 addresses, best first (os/network.ts). */
  lanAddresses: string[];
  /** A free port, for a listener leaving 443 (which would need privileges on loopback or a LAN). */
  sparePort: number;
}

/**
 * The fields for a reach, from the current ones and what the patch names. Throws an Error whose
 * message is one line for the user when the reach cannot be made from what is known.
 */
export function fieldsForReach(current: ReachFields, request: ReachRequest, context: ReachContext): ReachFields {
  if (request.reach !== "internet" && request.tls && request.tls.mode !== "off") {
    throw new Error(`tls: TLS comes with reach=internet (reach=${request.reach} serves plain HTTP)`);
  }
  const currentPort = portOf(current.listenAddr);
  const plainPort = currentPort === HTTPS_PORT ? context.sparePort : currentPort;
  const withUrl = (fields: ReachFields) => (request.serverUrl ? { ...fields, serverUrl: request.serverUrl } : fields);
  switch (request.reach) {
    case "computer": {
      const listenAddr = request.listenAddr ?? `127.0.0.1:${plainPort}`;
      const stunListenAddr = request.stunListenAddr ?? `127.0.0.1:${portOf(current.stunListenAddr)}`;
      return withUrl({ listenAddr, stunListenAddr, tls: { mode: "off" } });
    }
    case "lan": {
      const listenAddr = request.listenAddr ?? `0.0.0.0:${plainPort}`;
      const bound = hostOf(listenAddr);
      const host = isWildcard(bound) ? context.lanAddresses[0] : bound;
      if (!request.serverUrl && !host) {
        throw new Error(
          "reach=lan: this computer has no network address besides loopback; give the URL devices use, e.g. serverUrl=http://192.168.1.10:8080",
        );
      }
      const serverUrl = request.serverUrl || `http://${host!.includes(":") ? `[${host}]` : host}:${portOf(listenAddr)}`;
      const stunListenAddr = request.stunListenAddr ?? `0.0.0.0:${portOf(current.stunListenAddr)}`;
      return { listenAddr, serverUrl, stunListenAddr, tls: { mode: "off" } };
    }
    case "internet": {
      const tls = request.tls ?? current.tls;
      if (tls.mode === "off") {
        throw new Error(
          'reach=internet needs TLS: add tls={"mode":"acme","hostname":"hs.example.com","email":"you@example.com"} ' +
            'or tls={"mode":"files","hostname":…,"certPath":…,"keyPath":…}',
        );
      }
      const listenAddr = request.listenAddr ?? `0.0.0.0:${HTTPS_PORT}`;
      return withUrl({ listenAddr, stunListenAddr: request.stunListenAddr ?? `0.0.0.0:${STUN_PORT}`, tls });
    }
  }
}

/**
 * A listener moved to another port while the URL named the old one: the URL follows (an
 * explicit URL on another port, a router's forward say, is left alone).
 */
export function urlFollowingPort(
  serverUrl: string | undefined,
  previousListen: string,
  nextListen: string,
): string | undefined {
  if (!serverUrl) return undefined;
  const url = new URL(serverUrl);
  const from = String(portOf(previousListen));
  const to = String(portOf(nextListen));
  if (from === to || url.port !== from) return undefined;
  url.port = to;
  return url.origin;
}

/**
 * What no single field can see: a TLS server URL must be https on the certificate's name, TLS is
 * not on loopback, and a wildcard listener has a URL devices can use.
 * Returns one line, or undefined.
 */
export function tlsProblem(fields: ReachFields): string | undefined {
  if (fields.tls.mode === "off") {
    if (!fields.serverUrl && isWildcard(hostOf(fields.listenAddr))) {
      return "serverUrl: listening on every interface needs the URL devices use, e.g. serverUrl=http://192.168.1.10:8080 (or use reach=lan)";
    }
    return undefined;
  }
  const url = new URL(serverUrlOf(fields));
  if (url.protocol !== "https:") return `serverUrl: with TLS on, the server URL must be https:// (it is ${url.origin})`;
  if (url.hostname !== fields.tls.hostname) {
    return `serverUrl: its host ${url.hostname} is not the certificate's name ${fields.tls.hostname}`;
  }
  if (isLoopback(hostOf(fields.listenAddr))) {
    return "tls: TLS is for devices beyond this computer, and the listener is on loopback: add reach=internet";
  }
  return undefined;
}
