// Comparison, logic and arithmetic: EQ NE LT LE GT GE (variadic chains), NOT, AND, OR
// (short-circuit), ADD SUB MUL DIV MOD, with TIME arithmetic and the server's messages.
import { ErrorType, T } from '../protocol.js';
import { checkFinite, compareDatums, datumTypeName, deepEqual, truthy } from './datum.js';
import { runtimeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asDatum, asInt, asNumber } from './convert.js';
import { epochOf, isTime, makeTime, timezoneOf } from './time.js';

function expect(type: string, v: unknown): never {
  throw runtimeError(ErrorType.QUERY_LOGIC, `Expected type ${type} but found ${datumTypeName(v)}.`);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : expect('NUMBER', v);
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

function add(a: unknown, b: unknown): unknown {
  if (isTime(a) && typeof b === 'number') return makeTime(epochOf(a) + b, timezoneOf(a));
  if (isTime(b) && typeof a === 'number') return makeTime(epochOf(b) + a, timezoneOf(b));
  if (isTime(a) || isTime(b)) expect('NUMBER', isTime(a) ? b : a);
  if (typeof a === 'number') return checkFinite(a + num(b));
  if (typeof a === 'string') return typeof b === 'string' ? a + b : expect('STRING', b);
  if (Array.isArray(a)) return Array.isArray(b) ? [...a, ...b] : expect('ARRAY', b);
  return expect('NUMBER', a);
}

function sub(a: unknown, b: unknown): unknown {
  if (isTime(a)) {
    if (isTime(b)) return epochOf(a) - epochOf(b);
    return makeTime(epochOf(a) - num(b), timezoneOf(a));
  }
  return checkFinite(num(a) - num(b));
}

function mul(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) || Array.isArray(b)) {
    const arr = (Array.isArray(a) ? a : b) as unknown[];
    const n = asInt(Array.isArray(a) ? b : a);
    if (n < 0) throw runtimeError(ErrorType.QUERY_LOGIC, 'Cannot multiply an ARRAY by a negative number.');
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(...arr);
    return out;
  }
  return checkFinite(num(a) * num(b));
}

function div(a: unknown, b: unknown): unknown {
  const x = num(a);
  const y = num(b);
  if (y === 0) throw runtimeError(ErrorType.QUERY_LOGIC, 'Cannot divide by zero.');
  return checkFinite(x / y);
}

function fold(op: (a: unknown, b: unknown) => unknown): Handler {
  return (call) => {
    let acc = call.arg(0, asDatum);
    for (let i = 1; i < call.argc; i++) {
      const next = call.arg(i, asDatum);
      acc = op(acc, next);
    }
    return acc;
  };
}

export const mathTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.EQ, eq],
  [T.NE, (call) => !(eq(call) as boolean)],
  [T.LT, chain((c) => c < 0)],
  [T.LE, chain((c) => c <= 0)],
  [T.GT, chain((c) => c > 0)],
  [T.GE, chain((c) => c >= 0)],
  [T.NOT, (call) => {
    const v = call.arg(0, asDatum);
    return typeof v === 'boolean' ? !v : !truthy(v);
  }],
  [T.AND, (call) => {
    let last: unknown = true;
    for (let i = 0; i < call.argc; i++) {
      last = call.arg(i, asDatum);
      if (!truthy(last)) return last;
    }
    return last;
  }],
  [T.OR, (call) => {
    let last: unknown = false;
    for (let i = 0; i < call.argc; i++) {
      last = call.arg(i, asDatum);
      if (truthy(last)) return last;
    }
    return last;
  }],
  [T.ADD, fold(add)],
  [T.SUB, fold(sub)],
  [T.MUL, fold(mul)],
  [T.DIV, fold(div)],
  [T.MOD, (call) => {
    const a = call.arg(0, asNumber);
    const b = call.arg(1, asNumber);
    if (!Number.isInteger(a) || !Number.isInteger(b)) {
      throw runtimeError(ErrorType.QUERY_LOGIC, `Number not an integer: ${Number.isInteger(a) ? b : a}`);
    }
    if (b === 0) throw runtimeError(ErrorType.QUERY_LOGIC, 'Cannot take a number modulo 0.');
    const r = a % b;
    return r === 0 ? 0 : r; // no -0 in results
  }],
];
