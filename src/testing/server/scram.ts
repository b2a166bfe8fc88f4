// SCRAM-SHA-256 arithmetic (RFC 5802 / RFC 7677) as RethinkDB's server does it. A user's salt
// is fixed when the password is set and SaltedPassword is derived once, so a handshake costs
// a few HMACs instead of a 4096-round PBKDF2.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SCRAM_ITERATIONS } from './protocol.js';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const NONCE_LENGTH = 18;

/** What the server keeps for one user: never the password itself. */
export interface ScramCredentials {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** PBKDF2-HMAC-SHA256(password, salt, iterations, 32 bytes). */
export function saltPassword(password: string, salt: Buffer, iterations: number = SCRAM_ITERATIONS): Buffer {
  return pbkdf2Sync(password, salt, iterations, KEY_LENGTH, 'sha256');
}

/** Derives a user's stored credentials; the salt is random unless given (tests fix it). */
export function deriveCredentials(
  password: string,
  salt: Buffer = randomBytes(SALT_LENGTH),
  iterations: number = SCRAM_ITERATIONS,
): ScramCredentials {
  const salted = saltPassword(password, salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** Credentials for a user that does not exist: a real-looking salt, keys nobody can match. */
export function unknownUserCredentials(): ScramCredentials {
  return { salt: randomBytes(SALT_LENGTH), iterations: SCRAM_ITERATIONS, storedKey: randomBytes(KEY_LENGTH), serverKey: randomBytes(KEY_LENGTH) };
}

/** base64 of 18 random bytes, the size both drivers and the real server use. */
export function makeNonce(): string {
  return randomBytes(NONCE_LENGTH).toString('base64');
}

/** The server-first message; rethinkdb-ts reads its fields by position: r, s, i. */
export function serverFirstMessage(fullNonce: string, creds: ScramCredentials): string {
  return `r=${fullNonce},s=${creds.salt.toString('base64')},i=${creds.iterations}`;
}

/** AuthMessage = client-first-bare "," server-first "," client-final-without-proof. */
export function authMessage(clientFirstBare: string, serverFirst: string, clientFinalWithoutProof: string): string {
  return `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
}

/**
 * Checks a client proof: ClientKey = proof XOR HMAC(StoredKey, AuthMessage) must hash to
 * StoredKey. Compared in constant time.
 */
export function verifyClientProof(creds: ScramCredentials, message: string, proofBase64: string): boolean {
  const proof = Buffer.from(proofBase64, 'base64');
  if (proof.length !== KEY_LENGTH) return false;
  const signature = hmac(creds.storedKey, message);
  const clientKey = Buffer.allocUnsafe(KEY_LENGTH);
  for (let i = 0; i < KEY_LENGTH; i++) clientKey[i] = (proof[i] ?? 0) ^ (signature[i] ?? 0);
  return timingSafeEqual(createHash('sha256').update(clientKey).digest(), creds.storedKey);
}

/** base64 ServerSignature = HMAC(ServerKey, AuthMessage), sent back as `v=`. */
export function serverSignature(creds: ScramCredentials, message: string): string {
  return hmac(creds.serverKey, message).toString('base64');
}

/** The client's side of the proof, for raw-socket clients and tests. */
export function clientProof(saltedPassword: Buffer, message: string): string {
  const clientKey = hmac(saltedPassword, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const signature = hmac(storedKey, message);
  const proof = Buffer.allocUnsafe(KEY_LENGTH);
  for (let i = 0; i < KEY_LENGTH; i++) proof[i] = (clientKey[i] ?? 0) ^ (signature[i] ?? 0);
  return proof.toString('base64');
}

/** Why a SCRAM attribute list was refused (RethinkDB's handshake error codes). */
export type AttributeError = 'invalid-encoding' | 'extensions';

/**
 * Parses `k=v,k=v` strictly: one-letter keys, no duplicates, and no `m=` extension.
 * Values may themselves contain `=` (base64 padding).
 */
export function parseAttributes(text: string): Map<string, string> | AttributeError {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part.length < 2 || part[1] !== '=') return 'invalid-encoding';
    const key = part[0] as string;
    if (key === 'm') return 'extensions';
    if (out.has(key)) return 'invalid-encoding';
    out.set(key, part.slice(2));
  }
  return out;
}

/** Decodes a SCRAM username (`=2C` is `,`, `=3D` is `=`); undefined if badly escaped. */
export function decodeUsername(raw: string): string | undefined {
  if (!raw.includes('=')) return raw;
  if (/=(?!2C|3D)/.test(raw)) return undefined;
  return raw.replace(/=(2C|3D)/g, (_m, code: string) => (code === '2C' ? ',' : '='));
}
