// Strings: MATCH (regular expressions; the server uses RE2, whose syntax JavaScript shares
// for everyday patterns, inline flags like `(?i)` included), SPLIT (on whitespace, a
// delimiter, or into characters), UPCASE and DOWNCASE (ASCII letters only, as the server).
import { T } from '../protocol.js';
import { logicError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asDatum, asInt, asString, checkArray } from './convert.js';

const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const COMBINING = /\p{M}/u;

/** A JavaScript RegExp for an RE2 pattern: leading inline flags become RegExp flags. */
function compile(pattern: string): RegExp {
  let src = pattern;
  let flags = 'ud';
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m !== null) {
    src = src.slice(m[0].length);
    for (const f of m[1] as string) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  try {
    return new RegExp(src, flags);
  } catch (err) {
    throw logicError(`Error in regexp \`${pattern}\` (portion \`${pattern}\`): ${err instanceof Error ? err.message : String(err)}`);
  }
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function match(call: Call): unknown {
  const str = call.arg(0, asString);
  const re = compile(call.arg(1, asString));
  const m = re.exec(str);
  if (m === null) return null;
  const start = bytes(str.slice(0, m.index));
  const groups = m.slice(1).map((g, i) => {
    if (g === undefined) return null;
    const at = m.indices?.[i + 1]?.[0] ?? m.index + (m[0] as string).indexOf(g);
    const s = bytes(str.slice(0, at));
    return { end: s + bytes(g), start: s, str: g };
  });
  return { end: start + bytes(m[0] as string), groups, start, str: m[0] };
}

function split(call: Call): string[] {
  const s = call.arg(0, asString);
  let delim: string | undefined;
  if (call.argc > 1) {
    const d = call.arg(1, asDatum);
    if (d !== null) delim = call.arg(1, asString);
  }
  let max = Infinity;
  if (call.argc > 2) {
    const n = call.arg(2, asInt);
    const limit = call.env.arrayLimit;
    if (n < -1 || n > limit - 1) throw logicError(`Error: \`split\` size argument must be in range [-1, ${limit - 1}].`);
    if (n >= 0) max = n;
  }
  const chars = [...s];
  const out: string[] = [];
  let at = 0;
  const rest = (): string => chars.slice(at).join('');
  for (;;) {
    if (out.length === max) {
      if (delim !== undefined) {
        if (delim.length > 0 || at < chars.length) out.push(rest());
      } else {
        while (at < chars.length && WHITESPACE.test(chars[at] as string)) at++;
        if (at < chars.length) out.push(rest());
      }
      break;
    }
    if (delim === '') {
      if (at >= chars.length) break;
      let next = at + 1;
      while (next < chars.length && COMBINING.test(chars[next] as string)) next++;
      out.push(chars.slice(at, next).join(''));
      at = next;
      if (at >= chars.length) break;
    } else if (delim !== undefined) {
      const str = rest();
      const i = str.indexOf(delim);
      if (i < 0) {
        out.push(str);
        break;
      }
      out.push(str.slice(0, i));
      at += [...str.slice(0, i + delim.length)].length;
    } else {
      let next = at;
      while (next < chars.length && !WHITESPACE.test(chars[next] as string)) next++;
      if (next >= chars.length) {
        if (at < chars.length) out.push(rest());
        break;
      }
      if (next > at) out.push(chars.slice(at, next).join(''));
      at = next + 1;
    }
  }
  return checkArray(out, call.env.arrayLimit);
}

const ascii = (s: string, up: boolean): string =>
  s.replace(up ? /[a-z]+/g : /[A-Z]+/g, (x) => (up ? x.toUpperCase() : x.toLowerCase()));

export const stringTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.MATCH, match],
  [T.SPLIT, split],
  [T.UPCASE, (call) => ascii(call.arg(0, asString), true)],
  [T.DOWNCASE, (call) => ascii(call.arg(0, asString), false)],
];
