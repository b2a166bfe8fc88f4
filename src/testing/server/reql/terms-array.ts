// Array operations: APPEND, PREPEND, DIFFERENCE, SET_INSERT, SET_UNION, SET_INTERSECTION,
// SET_DIFFERENCE, INSERT_AT, SPLICE_AT, DELETE_AT, CHANGE_AT, with the server's index
// rules (negative indexes count from the end; insert and splice index the gaps between
// elements) and its messages.
import { T } from '../protocol.js';
import { deepEqual } from './datum.js';
import { logicError, nonExistence } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asArray, asDatum, asInt, asSeq, checkArray, sameKind } from './convert.js';

function outOfBounds(index: number, size: number): never {
  throw nonExistence(`Index \`${index}\` out of bounds for array of size: \`${size}\`.`);
}

/** A possibly negative index into `size` slots. */
function canonical(i: number, size: number): number {
  if (i >= 0) return i;
  if (-i > size) throw nonExistence(`Index out of bounds: ${i}`);
  return size + i;
}

function dedupe(items: readonly unknown[], into: unknown[] = []): unknown[] {
  for (const x of items) if (!into.some((y) => deepEqual(x, y))) into.push(x);
  return into;
}

function withArray(f: (arr: readonly unknown[], call: Call) => unknown[]): Handler {
  return (call) => checkArray(f(call.arg(0, asArray), call), call.env.arrayLimit);
}

export const arrayTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.APPEND, withArray((arr, call) => [...arr, call.arg(1, asDatum)])],
  [T.PREPEND, withArray((arr, call) => [call.arg(1, asDatum), ...arr])],
  [T.DIFFERENCE, (call) => {
    const v0 = call.arg(0);
    const { rows } = call.arg(0, asSeq);
    const drop = call.arg(1, asArray);
    return sameKind(v0, rows.filter((r) => !drop.some((d) => deepEqual(d, r))), call.env.arrayLimit);
  }],
  [T.SET_INSERT, withArray((arr, call) => {
    const x = call.arg(1, asDatum);
    const out = dedupe(arr);
    return out.some((y) => deepEqual(x, y)) ? out : [...out, x];
  })],
  [T.SET_UNION, withArray((arr, call) => dedupe(call.arg(1, asArray), dedupe(arr)))],
  [T.SET_INTERSECTION, withArray((arr, call) => {
    const left = dedupe(arr);
    const out: unknown[] = [];
    for (const x of call.arg(1, asArray)) {
      const i = left.findIndex((y) => deepEqual(x, y));
      if (i >= 0) {
        out.push(x);
        left.splice(i, 1);
      }
    }
    return out;
  })],
  [T.SET_DIFFERENCE, withArray((arr, call) => {
    const drop = call.arg(1, asArray);
    const out: unknown[] = [];
    for (const x of arr) if (!drop.some((y) => deepEqual(x, y)) && !out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  })],
  [T.INSERT_AT, withArray((arr, call) => {
    const i = canonical(call.arg(1, asInt), arr.length + 1);
    if (i > arr.length) outOfBounds(i, arr.length);
    return [...arr.slice(0, i), call.arg(2, asDatum), ...arr.slice(i)];
  })],
  [T.SPLICE_AT, withArray((arr, call) => {
    const i = canonical(call.arg(1, asInt), arr.length + 1);
    const items = call.arg(2, asArray);
    if (i > arr.length) outOfBounds(i, arr.length);
    return [...arr.slice(0, i), ...items, ...arr.slice(i)];
  })],
  [T.DELETE_AT, withArray((arr, call) => {
    const i = canonical(call.arg(1, asInt), arr.length);
    if (call.argc === 2) {
      if (i >= arr.length) outOfBounds(i, arr.length);
      return [...arr.slice(0, i), ...arr.slice(i + 1)];
    }
    const j = canonical(call.arg(2, asInt), arr.length);
    if (i > arr.length) outOfBounds(i, arr.length);
    if (j > arr.length) outOfBounds(j, arr.length);
    if (i > j) throw logicError(`Start index \`${i}\` is greater than end index \`${j}\`.`);
    return [...arr.slice(0, i), ...arr.slice(j)];
  })],
  [T.CHANGE_AT, withArray((arr, call) => {
    const i = canonical(call.arg(1, asInt), arr.length);
    if (i >= arr.length) outOfBounds(i, arr.length);
    const out = [...arr];
    out[i] = call.arg(2, asDatum);
    return out;
  })],
];
