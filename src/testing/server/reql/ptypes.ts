// Pseudo-types: objects tagged `$reql_type$`. Like the real server, every object the
// evaluator builds is checked here: a TIME must have exactly `epoch_time` (rounded to the
// millisecond) and a valid `timezone`, a BINARY exactly base64 `data` (kept in the
// server's own encoding, CRLF every 76 characters), a LITERAL is legal only where merge
// and update allow it, and any other tag is refused.
import { ErrorType } from '../protocol.js';
import { datumTypeName, isObject, truncPrint, type DatumObject } from './datum.js';
import { logicError, runtimeError } from './errors.js';
import { normalizeTimezone } from './time.js';

/** Checks (and canonicalizes) a pseudo-type object; plain objects pass unchanged. */
export function sanitizePtype(o: DatumObject, literalOk = false): DatumObject {
  const pt = o.$reql_type$;
  if (pt === undefined) return o;
  switch (pt) {
    case 'TIME': return sanitizeTime(o);
    case 'BINARY': return binaryOf(decodeBinary(o));
    case 'LITERAL':
      if (!literalOk) throw logicError(STRAY_LITERAL);
      for (const k of Object.keys(o)) {
        if (k !== '$reql_type$' && k !== 'value') throw logicError(`Invalid literal term with illegal key \`${k}\`.`);
      }
      return o;
    case 'GEOMETRY': return sanitizeGeometry(o);
    default:
      throw logicError(`Unknown $reql_type$ \`${datumTypeName(o)}\`.`);
  }
}

export const STRAY_LITERAL = 'Stray literal keyword found: literal is only legal inside of the object passed to ' +
  'merge or update and cannot nest inside other literals.';

function sanitizeTime(o: DatumObject): DatumObject {
  let msg = '';
  let epoch: number | undefined;
  let tz: string | undefined;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'epoch_time') {
      if (typeof v !== 'number') {
        msg = `field \`epoch_time\` must be a number (got \`${truncPrint(v)}\` of type ${datumTypeName(v)})`;
        break;
      }
      epoch = Math.round(v * 1000) / 1000;
    } else if (k === 'timezone') {
      if (typeof v !== 'string') {
        msg = `field \`timezone\` must be a string (got \`${truncPrint(v)}\` of type ${datumTypeName(v)})`;
        break;
      }
      tz = normalizeTimezone(v);
      if (tz === undefined) {
        msg = `invalid timezone string \`${truncPrint(v)}\``;
        break;
      }
    } else if (k !== '$reql_type$') {
      msg = `unrecognized field \`${k}\``;
      break;
    }
  }
  if (msg === '' && epoch === undefined) msg = 'no field `epoch_time`';
  else if (msg === '' && tz === undefined) msg = 'no field `timezone`';
  if (msg !== '') {
    const shown = tz !== undefined ? { ...o, timezone: tz } : o;
    throw logicError(`Invalid time object constructed (${msg}):\n${truncPrint(shown)}`);
  }
  return { $reql_type$: 'TIME', epoch_time: epoch, timezone: tz };
}

function sanitizeGeometry(o: DatumObject): DatumObject {
  for (const [k, v] of Object.entries(o)) {
    if (k === 'coordinates' && !Array.isArray(v)) throw logicError(`Expected type ARRAY but found ${datumTypeName(v)}.`);
    if (k === 'type' && typeof v !== 'string') throw logicError(`Expected type STRING but found ${datumTypeName(v)}.`);
    if (k !== 'coordinates' && k !== 'type' && k !== 'crs' && k !== '$reql_type$') {
      throw logicError(`Unrecognized field \`${k}\` found in geometry object.`);
    }
  }
  if (!Object.hasOwn(o, 'type')) throw runtimeError(ErrorType.NON_EXISTENCE, 'Field `type` not found in geometry object.');
  if (!Object.hasOwn(o, 'coordinates')) {
    throw runtimeError(ErrorType.NON_EXISTENCE, 'Field `coordinates` not found in geometry object.');
  }
  return o;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The bytes of a BINARY object, decoded as strictly as the server decodes them. */
export function decodeBinary(o: DatumObject): Buffer {
  let data: unknown;
  for (const k of Object.keys(o)) {
    if (k === 'data') data = o[k];
    else if (k !== '$reql_type$') throw logicError(`Invalid binary pseudotype: illegal \`${k}\` key.`);
  }
  if (data === undefined) throw logicError('Invalid binary pseudotype: lacking `data` key.');
  if (typeof data !== 'string') throw logicError(`Expected type STRING but found ${datumTypeName(data)}.`);
  const values: number[] = [];
  let i = 0;
  for (; i < data.length; i++) {
    const c = data[i] as string;
    if (c === '=') break;
    if (c === '\r' || c === '\n' || c === ' ' || c === '\t') continue;
    const v = BASE64.indexOf(c);
    if (v < 0) throw logicError(`Invalid base64 character found: '${c}'.`);
    values.push(v);
  }
  for (; i < data.length; i++) {
    const c = data[i];
    if (c !== '=' && c !== '\r' && c !== '\n' && c !== ' ' && c !== '\t') {
      throw logicError("Invalid base64 format, data found after padding character '='.");
    }
  }
  if (values.length % 4 === 1) throw logicError('Invalid base64 length: 1 character remaining, cannot decode a full byte.');
  const bytes: number[] = [];
  for (let j = 0; j < values.length; j += 4) {
    const [a = 0, b = 0, c = 0, d = 0] = values.slice(j, j + 4);
    const n = Math.min(4, values.length - j);
    bytes.push(((a << 2) | (b >> 4)) & 0xff);
    if (n > 2) bytes.push((((b & 0xf) << 4) | (c >> 2)) & 0xff);
    if (n > 3) bytes.push((((c & 0x3) << 6) | d) & 0xff);
  }
  return Buffer.from(bytes);
}

/** A BINARY object holding `bytes`, in the server's base64 (a CRLF after every 76 characters). */
export function binaryOf(bytes: Buffer): DatumObject {
  let data = '';
  let at = 0;
  for (let left = bytes.length; left > 3; left -= 3, at += 3) {
    data += bytes.subarray(at, at + 3).toString('base64');
    if (data.length % 78 === 76) data += '\r\n';
  }
  if (at < bytes.length) data += bytes.subarray(at).toString('base64');
  return { $reql_type$: 'BINARY', data };
}

export function isBinary(v: unknown): v is DatumObject {
  return isObject(v) && v.$reql_type$ === 'BINARY';
}
