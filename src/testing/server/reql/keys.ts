// Primary keys: which datums may be one, and how long one may be (the server stores a
// key of at most 128 bytes, its type tag included, so a string key holds 127 bytes).
import { compactJson, datumTypeName, isObject, ptypeOf, truncPrint } from './datum.js';
import { logicError, typeError } from './errors.js';
import { decodeBinary } from './ptypes.js';

const MAX_KEY_BYTES = 128;

export function checkPrimaryKey(key: unknown): void {
  if (key === null || key === undefined || (isObject(key) && ptypeOf(key) === undefined) || typeof key === 'symbol') {
    throw typeError(key ?? null, `Primary keys must be either a number, string, bool, pseudotype or array (got type ${
      datumTypeName(key)}):\n${truncPrint(key ?? null)}`);
  }
}

/** Bytes of the server's encoding of a key (close enough to tell when it is too long). */
function encodedLength(key: unknown): number {
  if (typeof key === 'string') return 1 + Buffer.byteLength(key, 'utf8');
  if (typeof key === 'number') return 1 + 16 + 1 + 8;
  if (typeof key === 'boolean') return 2;
  if (Array.isArray(key)) return key.reduce<number>((n, k) => n + encodedLength(k) + 1, 1);
  if (isObject(key) && ptypeOf(key) === 'BINARY') return 8 + decodeBinary(key).length;
  if (isObject(key) && ptypeOf(key) === 'TIME') return 6 + 26;
  return 1;
}

/** Refuses a key longer than the server stores, with its message. */
export function keyTooLong(key: unknown): void {
  if (encodedLength(key) > MAX_KEY_BYTES) {
    throw logicError(`Primary key too long (max ${MAX_KEY_BYTES - 1} characters): ${compactJson(key)}`);
  }
}
