/**
 * Looks at the server as a device would: resolves the server URL's host, asks /health through
 * the URL, and reads the certificate it is shown, checked against the roots a device trusts
 * (Node's bundled ones, plus SSL_CERT_FILE and NODE_EXTRA_CA_CERTS as Go and Node honour them).
 */
import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { request as httpRequest } from "node:http";
import { rootCertificates, type PeerCertificate as NodePeerCertificate, type TLSSocket } from "node:tls";
import { certificateNames } from "../config/certificate-files.js";
import type { Findings, PeerCertificate } from "./report.js";

const PROBE_TIMEOUT_MS = 5000;

/** What the host resolves to here, as a device on this computer would see it; bounded in time. */
export async function resolveHost(host: string): Promise<Findings["resolved"]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  try {
    const answers = await Promise.race([lookup(host.replace(/^\[|\]$/g, ""), { all: true }), timeout]);
    return { addresses: answers.map((answer) => answer.address) };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

function trustedRoots(env = process.env): string[] {
  const extra = [env.SSL_CERT_FILE, env.NODE_EXTRA_CA_CERTS].flatMap((file) => {
    if (!file) return [];
    try {
      return [readFileSync(file, "utf8")];
    } catch {
      return [];
    }
  });
  return [...rootCertificates, ...extra];
}

/** /health through the server URL, with the certificate a device would see. */
export function healthThrough(serverUrl: string): Promise<NonNullable<Findings["health"]>> {
  const url = new URL("/health", serverUrl);
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    const onResponse = (response: import("node:http").IncomingMessage) => {
      response.resume();
      const socket = response.socket as TLSSocket;
      const status = response.statusCode ?? 0;
      if (url.protocol !== "https:") return resolve({ status });
      const tls = {
        trusted: socket.authorized,
        ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        certificate: summarize(socket.getPeerCertificate()),
      };
      resolve({ status, tls });
    };
    // Not refused on an untrusted certificate: the report says what a device would object to.
    const req =
      url.protocol === "https:"
        ? request(url, { signal, agent: false, ca: trustedRoots(), rejectUnauthorized: false }, onResponse)
        : httpRequest(url, { signal, agent: false }, onResponse);
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({
        error: signal.aborted ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : (error.code ?? error.message),
      }),
    );
    req.end();
  });
}

function summarize(cert: NodePeerCertificate): PeerCertificate {
  return {
    name: certificateNames(cert.subjectaltname, cert.subject?.CN ? String(cert.subject.CN) : undefined),
    notAfter: new Date(cert.valid_to),
    issuer: String(cert.issuer?.CN ?? cert.issuer?.O ?? "unknown"),
  };
}
