/**
 * A throwaway certificate authority for tests, and leaf certificates from it: valid ones, and the
 * bad kinds a user can hand the product (expired, for another name, with a key that is not the
 * certificate's). Made with Python's `cryptography`: this machine's openssl 3.0 cannot back-date
 * a certificate, and Node's crypto cannot issue one. Every file is written 0600.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";

export interface TestCa {
  /** The CA's certificate (PEM): what clients trust, e.g. inside an SSL_CERT_FILE bundle. */
  certPath: string;
  certPem: string;
  /** Issues a leaf; see LeafOptions. The files are `<dir>/<base>.pem` and `<dir>/<base>.key`. */
  leaf(base: string, options: LeafOptions): Promise<LeafFiles>;
  /** A fresh private key that matches no certificate, at `<dir>/<base>.key`. */
  strayKey(base: string): Promise<string>;
}

export interface LeafOptions {
  /** DNS names (and IP addresses, written as such) the certificate is for; the first is its CN. */
  names: string[];
  /** Valid from `now + notBeforeDays` to `now + notAfterDays` (defaults -1 and 90). */
  notBeforeDays?: number;
  notAfterDays?: number;
  /** Append the CA certificate after the leaf, as a server's chain file would. */
  chain?: boolean;
}

export interface LeafFiles {
  certPath: string;
  keyPath: string;
}

// One small program, three jobs: make the CA, issue a leaf, make a stray key. It reads its job as
// JSON on stdin, so nothing (no key either) is on a command line.
const PROGRAM = String.raw`
import datetime, ipaddress, json, os, sys
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

job = json.load(sys.stdin)

def write(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)

def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())

def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)

now = datetime.datetime.now(datetime.timezone.utc)
kind = job["kind"]
if kind == "key":
    write(job["keyPath"], key_pem(ec.generate_private_key(ec.SECP256R1())))
elif kind == "ca":
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, job["name"])])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    write(job["keyPath"], key_pem(key))
    write(job["certPath"], cert_pem(cert))
elif kind == "leaf":
    with open(job["caKeyPath"], "rb") as f:
        ca_key = serialization.load_pem_private_key(f.read(), None)
    with open(job["caCertPath"], "rb") as f:
        ca_cert = x509.load_pem_x509_certificate(f.read())
    key = ec.generate_private_key(ec.SECP256R1())
    sans = []
    for n in job["names"]:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, job["names"][0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=job["notBeforeDays"]))
            .not_valid_after(now + datetime.timedelta(days=job["notAfterDays"]))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = cert_pem(cert) + (cert_pem(ca_cert) if job["chain"] else b"")
    write(job["keyPath"], key_pem(key))
    write(job["certPath"], pem)
else:
    raise SystemExit("unknown job " + kind)
`;

async function runJob(job: Record<string, unknown>): Promise<void> {
  await execa("python3", ["-c", PROGRAM], { input: JSON.stringify(job) });
}

/** A new CA in `dir` (which the caller owns and removes): `ca.pem` and `ca.key`, both 0600. */
export async function createTestCa(dir: string, name = "Headscale Remote test CA"): Promise<TestCa> {
  const certPath = join(dir, "ca.pem");
  const caKeyPath = join(dir, "ca.key");
  await runJob({ kind: "ca", name, certPath, keyPath: caKeyPath });
  const certPem = await readFile(certPath, "utf8");
  return {
    certPath,
    certPem,
    async leaf(base, options) {
      const files = { certPath: join(dir, `${base}.pem`), keyPath: join(dir, `${base}.key`) };
      await runJob({
        kind: "leaf",
        caCertPath: certPath,
        caKeyPath,
        names: options.names,
        notBeforeDays: options.notBeforeDays ?? -1,
        notAfterDays: options.notAfterDays ?? 90,
        chain: options.chain ?? false,
        ...files,
      });
      return files;
    },
    async strayKey(base) {
      const keyPath = join(dir, `${base}.key`);
      await runJob({ kind: "key", keyPath });
      return keyPath;
    },
  };
}

/**
 * The bad certificate files a user can hand the product, next to a good one, all for `hostname`:
 * `expired` (its notAfter a day past), `wrongName` (for another host), `mismatchedKey` (the good
 * certificate with a key of its own).
 */
export async function certificateCases(ca: TestCa, hostname: string) {
  const good = await ca.leaf("good", { names: [hostname] });
  const expired = await ca.leaf("expired", { names: [hostname], notBeforeDays: -30, notAfterDays: -1 });
  const wrongName = await ca.leaf("wrong-name", { names: [`not-${hostname}`] });
  const mismatchedKey: LeafFiles = { certPath: good.certPath, keyPath: await ca.strayKey("stray") };
  return { good, expired, wrongName, mismatchedKey };
}
