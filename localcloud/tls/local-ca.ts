import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * The hosted UI's HTTPS on loopback: a certificate authority made once per
 * state folder (its key never leaves `<state>/tls/`, readable by its owner
 * only, and is never logged), and a `localhost` certificate it signs
 * (DNS localhost, IP 127.0.0.1 and ::1) that the HTTPS listener serves.
 * A browser trusts the CA once (`npm run trust-cert`); the leaf certificate
 * is re-signed when it nears expiry, without trusting anything again.
 */
export interface LoopbackTls {
  /** PEM of the CA certificate (public): what `npm run trust-cert` installs and tests pass as `ca`. */
  caCertificate: string;
  /** SHA-256 fingerprint of the CA certificate, colon-separated hex as certutil and browsers show it. */
  caFingerprint: string;
  /** The listener's key and certificate chain (leaf, then CA), PEM. */
  key: string;
  cert: string;
}

export const TLS_DIR = 'tls';
const CA_KEY = 'ca-key.pem';
const CA_CERT = 'ca-cert.pem';
const LEAF_KEY = 'localhost-key.pem';
const LEAF_CERT = 'localhost-cert.pem';

const CA_YEARS = 10;
const LEAF_DAYS = 365;
/** A leaf certificate closer than this to its expiry is re-signed at start. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const DAY_MS = 86_400_000;

export const CA_COMMON_NAME = 'Amplify Vault local cloud CA';

/** Where a state folder's CA certificate lives (public; its key sits beside it). */
export function caCertificatePath(stateDir: string): string {
  return join(stateDir, TLS_DIR, CA_CERT);
}

/** The state folder's CA and a valid `localhost` certificate, made (and persisted) as needed. */
export function loadLoopbackTls(stateDir: string, now: Date = new Date()): LoopbackTls {
  const dir = join(stateDir, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = (name: string) => join(dir, name);

  if (!existsSync(path(CA_KEY)) || !existsSync(path(CA_CERT))) {
    const ca = makeCertificateAuthority(now);
    writePrivate(path(CA_KEY), ca.key);
    writeAtomic(path(CA_CERT), ca.cert);
  }
  const caKeyPem = readFileSync(path(CA_KEY), 'utf8');
  const caCertPem = readFileSync(path(CA_CERT), 'utf8');
  const caX509 = new X509Certificate(caCertPem);

  if (!leafIsUsable(path(LEAF_KEY), path(LEAF_CERT), caX509, now)) {
    const leaf = makeLocalhostCertificate(caKeyPem, caCertPem, now);
    writePrivate(path(LEAF_KEY), leaf.key);
    writeAtomic(path(LEAF_CERT), leaf.cert);
  }
  return {
    caCertificate: caCertPem,
    caFingerprint: caX509.fingerprint256,
    key: readFileSync(path(LEAF_KEY), 'utf8'),
    cert: readFileSync(path(LEAF_CERT), 'utf8') + caCertPem,
  };
}

function leafIsUsable(keyPath: string, certPath: string, ca: X509Certificate, now: Date): boolean {
  if (!existsSync(keyPath) || !existsSync(certPath)) return false;
  try {
    const leaf = new X509Certificate(readFileSync(certPath, 'utf8'));
    return leaf.verify(ca.publicKey) && leaf.checkIssued(ca) && new Date(leaf.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

/** RSA keys from Node's native generator (fast); forge only builds and signs the certificates. */
function rsaKeyPair(): { privatePem: string; forgeKeys: { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privatePem: privateKey,
    forgeKeys: { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey },
  };
}

/** A positive serial number of 16 random bytes (RFC 5280: at most 20 octets, non-negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function makeCertificateAuthority(now: Date): { key: string; cert: string } {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.forgeKeys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + CA_YEARS * 365 * DAY_MS);
  const name = [
    { name: 'commonName', value: `${CA_COMMON_NAME} ${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: 'Amplify Vault (local development only)' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.forgeKeys.privateKey, forge.md.sha256.create());
  return { key: keys.privatePem, cert: forge.pki.certificateToPem(cert) };
}

function makeLocalhostCertificate(caKeyPem: string, caCertPem: string, now: Date): { key: string; cert: string } {
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.forgeKeys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + LEAF_DAYS * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { key: keys.privatePem, cert: forge.pki.certificateToPem(cert) };
}

/** Written beside, then renamed: a crash never leaves half a key. Owner-only from the start. */
function writePrivate(path: string, pem: string): void {
  writeAtomic(path, pem, 0o600);
}

function writeAtomic(path: string, content: string, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}
