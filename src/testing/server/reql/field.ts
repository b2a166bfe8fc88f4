// Reading one field (or element) of a value, with the server's messages: what `x('a')`,
// `getField`, and field-name shortcuts (`orderBy('a')`, `sum('a')`, `group('a')`) do.
import { datumTypeName, isObject, prettyPrint, ptypeOf, truncPrint } from './datum.js';
import { isNonExistence, logicError, nonExistence, typeError } from './errors.js';

/** `obj(key)`, or the server's NON_EXISTENCE error naming the key and printing the object. */
export function getField(obj: unknown, key: string, term = 'get_field'): unknown {
  if (!isObject(obj)) throw typeError(obj, `Cannot perform ${term} on a non-object non-sequence \`${truncPrint(obj)}\`.`);
  if (ptypeOf(obj) !== undefined) throw logicError(`Cannot call \`${term}\` on objects of type \`${datumTypeName(obj)}\`.`);
  if (!Object.hasOwn(obj, key)) throw nonExistence(`No attribute \`${key}\` in object:\n${prettyPrint(obj)}`);
  return obj[key];
}

/** An element of an array by index (negative counts from the end), or NON_EXISTENCE. */
export function elementAt(arr: unknown, n: number): unknown {
  if (!Array.isArray(arr)) throw typeError(arr, `Expected type ARRAY but found ${datumTypeName(arr)}.`);
  const index = n < 0 ? arr.length + n : n;
  if (index < 0 || index >= arr.length) throw nonExistence(`Index out of bounds: ${n < 0 && -n > arr.length ? n : index}`);
  return arr[index];
}

/** `row(key)` on a datum: a field of an object, an element by number, a field of each element. */
export function bracketValue(row: unknown, key: unknown): unknown {
  if (typeof key === 'number') return elementAt(row, key);
  if (typeof key !== 'string') {
    throw typeError(key, `Expected NUMBER or STRING as second argument to \`bracket\` but found ${datumTypeName(key)}.`);
  }
  if (Array.isArray(row)) {
    const out: unknown[] = [];
    for (const el of row) {
      if (Array.isArray(el)) throw logicError('Cannot perform bracket on a sequence of sequences.');
      try {
        out.push(getField(el, key, 'bracket'));
      } catch (err) {
        if (!isNonExistence(err)) throw err;
      }
    }
    return out;
  }
  return getField(row, key, 'bracket');
}

/**
 * `row(key)` as the server's field shortcut builds it (a GET_FIELD term): what a field
 * name given to orderBy, sum, group, eqJoin... reads. Over an array it reads each element.
 */
export function fieldValue(row: unknown, key: unknown): unknown {
  if (typeof key !== 'string') throw typeError(key, `Expected type STRING but found ${datumTypeName(key)}.`);
  if (Array.isArray(row)) {
    const out: unknown[] = [];
    for (const el of row) {
      if (Array.isArray(el)) throw logicError('Cannot perform get_field on a sequence of sequences.');
      try {
        out.push(getField(el, key));
      } catch (err) {
        if (!isNonExistence(err)) throw err;
      }
    }
    return out;
  }
  return getField(row, key);
}
