// Comparison and arithmetic: EQ NE LT LE GT GE (variadic chains), NOT, ADD SUB MUL DIV MOD
// (with TIME arithmetic), FLOOR CEIL ROUND, and the bit operations, with the server's
// messages. A type error about a null operand is NON_EXISTENCE (see typeError).
import { T } from '../protocol.js';
import { checkFinite, compareDatums, deepEqual, truthy } from './datum.js';
import { logicError } from './errors.js';
import type { Handler } from './evaluate.js';
import { asDatum, asInt, asNumber, checkArray, datumTypeError } from './convert.js';
import { epochOf, isTime, makeTime, timezoneOf } from './time.js';

function num(v: unknown): number {
  return typeof v === 'number' ? v : datumTypeError('NUMBER', v);
}

/** A chain `a op b op c ...`, evaluated left to right, stopping at the first false link. */
function chain(test: (c: number, a: unknown, b: unknown) => boolean): Handler {
  return (call) => {
    let prev = call.arg(0, asDatum);
    for (let i = 1; i < call.argc; i++) {
      const next = call.arg(i, asDatum);
      if (!test(compareDatums(prev, next), prev, next)) return false;
      prev = next;
    }
    return true;
  };
}

const eq = chain((_c, a, b) => deepEqual(a, b));

function add(a: unknown, b: unknown, limit: number): unknown {
  if (isTime(a)) return makeTime(epochOf(a) + num(b), timezoneOf(a));
  if (isTime(b)) return makeTime(epochOf(b) + num(a), timezoneOf(b));
  if (typeof a === 'number') return checkFinite(a + num(b));
  if (typeof a === 'string') return typeof b === 'string' ? a + b : datumTypeError('STRING', b);
  if (Array.isArray(a)) return Array.isArray(b) ? checkArray([...a, ...b], limit) : datumTypeError('ARRAY', b);
  return datumTypeError('NUMBER', a);
}

function sub(a: unknown, b: unknown): unknown {
  if (isTime(a)) {
    if (isTime(b)) return Math.round((epochOf(a) - epochOf(b)) * 1000) / 1000;
    return makeTime(epochOf(a) - num(b), timezoneOf(a));
  }
  return checkFinite(num(a) - num(b));
}

function mul(a: unknown, b: unknown, limit: number): unknown {
  if (Array.isArray(a) || Array.isArray(b)) {
    const arr = (Array.isArray(a) ? a : b) as unknown[];
    const n = asInt(Array.isArray(a) ? b : a);
    if (n < 0) throw logicError('Cannot multiply an ARRAY by a negative number.');
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      out.push(...arr);
      checkArray(out, limit);
    }
    return out;
  }
  return checkFinite(num(a) * num(b));
}

function div(a: unknown, b: unknown): unknown {
  const x = num(a);
  const y = num(b);
  if (y === 0) throw logicError('Cannot divide by zero.');
  return checkFinite(x / y);
}

function fold(op: (a: unknown, b: unknown, limit: number) => unknown): Handler {
  return (call) => {
    let acc = call.arg(0, asDatum);
    for (let i = 1; i < call.argc; i++) acc = op(acc, call.arg(i, asDatum), call.env.arrayLimit);
    return acc;
  };
}

/** An integer operand of a bit operation: within ±2^53. */
function bitInt(v: unknown): number {
  const n = asInt(v);
  if (n < -(2 ** 53) || n >= 2 ** 53) throw logicError(`Integer too large: ${n}`);
  return n;
}

function bitFold(op: (a: bigint, b: bigint) => bigint): Handler {
  return (call) => {
    let acc = BigInt(call.arg(0, bitInt));
    for (let i = 1; i < call.argc; i++) acc = op(acc, BigInt(call.arg(i, bitInt)));
    return Number(acc);
  };
}

/** C's round(): halves away from zero (JavaScript's Math.round rounds them up). */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export const mathTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.EQ, eq],
  [T.NE, (call) => !(eq(call) as boolean)],
  [T.LT, chain((c) => c < 0)],
  [T.LE, chain((c) => c <= 0)],
  [T.GT, chain((c) => c > 0)],
  [T.GE, chain((c) => c >= 0)],
  [T.NOT, (call) => !truthy(call.arg(0, asDatum))],
  [T.ADD, fold(add)],
  [T.SUB, fold(sub)],
  [T.MUL, fold(mul)],
  [T.DIV, fold(div)],
  [T.MOD, (call) => {
    const a = call.arg(0, asInt);
    const b = call.arg(1, asInt);
    if (b === 0) throw logicError('Cannot take a number modulo 0.');
    const r = a % b;
    return r === 0 ? 0 : r; // no -0 in results
  }],
  [T.FLOOR, (call) => Math.floor(call.arg(0, asNumber))],
  [T.CEIL, (call) => Math.ceil(call.arg(0, asNumber))],
  [T.ROUND, (call) => roundHalfAway(call.arg(0, asNumber))],
  [T.BIT_AND, bitFold((a, b) => a & b)],
  [T.BIT_OR, bitFold((a, b) => a | b)],
  [T.BIT_XOR, bitFold((a, b) => a ^ b)],
  [T.BIT_NOT, (call) => Number(~BigInt(call.arg(0, bitInt)))],
  [T.BIT_SAL, (call) => {
    const a = call.arg(0, bitInt);
    const b = call.arg(1, asInt);
    if (b < 0) throw logicError('Cannot bit-shift by a negative value');
    return checkFinite(b < 4096 ? a * 2 ** b : a === 0 ? 0 : Infinity);
  }],
  [T.BIT_SAR, (call) => {
    const a = call.arg(0, bitInt);
    const b = call.arg(1, asInt);
    if (b < 0) throw logicError('Cannot bit-shift by a negative value');
    return b > 63 ? (a < 0 ? -1 : 0) : Number(BigInt(a) >> BigInt(b));
  }],
];
