/**
 * Certificate files checked before Headscale is given them: readable, a certificate for the
 * host name, valid now, and a key that matches it. A refusal is one line naming the file.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";

export interface CertificateSummary {
  /** Its DNS names, or the subject's common name when it has none. */
  name: string;
  notAfter: Date;
  issuer: string;
}

/** The problem with a certificate and key (PEM texts) for `hostname` at `now`, as one line; or the summary. Pure. */
export function judgeCertificate(
  files: { certPath: string; keyPath: string },
  certPem: string,
  keyPem: string,
  hostname: string,
  now: Date,
): { problem: string } | { summary: CertificateSummary } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem); // the first certificate: the server's own, then its chain
  } catch {
    return { problem: `${files.certPath}: not a PEM certificate` };
  }
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now > notAfter) return { problem: `${files.certPath}: the certificate expired on ${notAfter.toISOString()}` };
  if (now < notBefore)
    return { problem: `${files.certPath}: the certificate is not valid before ${notBefore.toISOString()}` };
  // As Go (and so every Tailscale client) checks: the DNS names only, never the CN; whole-label wildcards.
  if (cert.checkHost(hostname, { subject: "never", partialWildcards: false }) === undefined) {
    return { problem: `${files.certPath}: the certificate is for ${namesOf(cert)}, not ${hostname}` };
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    return { problem: `${files.keyPath}: not a PEM private key (an unencrypted one is needed)` };
  }
  if (!cert.checkPrivateKey(key))
    return { problem: `${files.keyPath}: the key does not match the certificate ${files.certPath}` };
  return { summary: { name: namesOf(cert), notAfter, issuer: commonName(cert.issuer) } };
}

/** Reads and judges the files; throws an Error whose message is the one line. */
export async function checkCertificateFiles(
  files: { certPath: string; keyPath: string; hostname: string },
  now = new Date(),
): Promise<CertificateSummary> {
  const read = (path: string) =>
    readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${path}: cannot be read (${error.code ?? error.message})`);
    });
  const [cert, key] = [await read(files.certPath), await read(files.keyPath)];
  const verdict = judgeCertificate(files, cert, key, files.hostname, now);
  if ("problem" in verdict) throw new Error(verdict.problem);
  return verdict.summary;
}

function namesOf(cert: X509Certificate): string {
  return certificateNames(cert.subjectAltName, commonName(cert.subject));
}

/** A certificate's DNS names from its subjectAltName text, or its common name when it has none. */
export function certificateNames(subjectAltName: string | undefined, commonName: string | undefined): string {
  const dns = (subjectAltName ?? "")
    .split(", ")
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  return dns.length > 0 ? dns.join(", ") : commonName || "no name";
}

function commonName(distinguished: string): string {
  return /^CN=(.*)$/m.exec(distinguished)?.[1] ?? distinguished.split("\n")[0] ?? "";
}
