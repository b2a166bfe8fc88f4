// `r.json(string)`: a strict JSON parser that fails with the messages of the server's
// parser (rapidjson), such as "Failed to parse "{bad" as JSON: Missing a name for object
// member.", and builds datums (keys sorted, duplicate keys refused, pseudo-types checked).
import { setField, sortedObject, type DatumObject } from './datum.js';
import { logicError } from './errors.js';
import { checkArray } from './convert.js';
import { sanitizePtype } from './ptypes.js';

class ParseError extends Error {}

export function parseJson(text: string, arrayLimit: number): unknown {
  if (text.includes('\u0000')) throw logicError('Encountered unescaped null byte in JSON string.');
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  let at = 0;
  const fail = (msg: string): never => { throw new ParseError(msg); };
  const ws = (): void => { while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++; };
  const value = (): unknown => {
    ws();
    const c = text[at];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) { at += word.length; return v; }
    }
    return fail('Invalid value.');
  };
  const object = (): DatumObject => {
    at++;
    const out: Record<string, unknown> = {};
    ws();
    if (text[at] === '}') { at++; return out; }
    for (;;) {
      ws();
      if (text[at] !== '"') fail('Missing a name for object member.');
      const k = string();
      ws();
      if (text[at] !== ':') fail('Missing a colon after a name of object member.');
      at++;
      const v = value();
      if (Object.hasOwn(out, k)) throw logicError(`Duplicate key ${JSON.stringify(k)} in JSON.`);
      setField(out, k, v);
      ws();
      if (text[at] === ',') { at++; continue; }
      if (text[at] === '}') { at++; return sanitizePtype(sortedObject(out)); }
      fail("Missing a comma or '}' after an object member.");
    }
  };
  const array = (): unknown[] => {
    at++;
    const out: unknown[] = [];
    ws();
    if (text[at] === ']') { at++; return out; }
    for (;;) {
      out.push(value());
      ws();
      if (text[at] === ',') { at++; continue; }
      if (text[at] === ']') { at++; return checkArray(out, arrayLimit); }
      fail("Missing a comma or ']' after an array element.");
    }
  };
  const string = (): string => {
    const start = at++;
    for (;;) {
      const c = text[at];
      if (c === undefined) fail('Missing a closing quotation mark in string.');
      if (c === '"') break;
      if (c === '\\') {
        const e = text[at + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('Incorrect hex digit after \\u escape in string.');
          at += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('Invalid escape character in string.');
        at += 2;
        continue;
      }
      if ((c as string) < ' ') fail('Invalid encoding in string.');
      at++;
    }
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const number = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d*)?([eE][+-]?\d*)?/.exec(text.slice(at));
    if (m === null) return fail('Invalid value.');
    if (m[1] === '.') fail('Missing fraction part in number.');
    if (m[2] !== undefined && !/\d$/.test(m[2])) fail('Missing exponent in number.');
    at += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) fail('Number too big to be stored in double.');
    return n;
  };
  try {
    ws();
    if (at >= text.length) fail('The document is empty.');
    const v = value();
    ws();
    if (at < text.length) fail('The document root must not be followed by other values.');
    return v;
  } catch (err) {
    if (err instanceof ParseError) throw logicError(`Failed to parse "${shown}" as JSON: ${err.message}`);
    throw err;
  }
}
