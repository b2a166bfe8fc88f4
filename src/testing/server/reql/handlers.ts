// Every term the evaluator implements, by number. A term missing here is refused by name
// at compile time (see compile.ts), before any part of the query runs.
import type { Handler } from './evaluate.js';
import { aggregateTerms } from './terms-aggregate.js';
import { arrayTerms } from './terms-array.js';
import { changesTerms } from './terms-changes.js';
import { controlTerms } from './terms-control.js';
import { dbTerms } from './terms-db.js';
import { indexTerms } from './terms-index.js';
import { joinTerms } from './terms-join.js';
import { mathTerms } from './terms-math.js';
import { objectTerms } from './terms-object.js';
import { orderTerms } from './terms-order.js';
import { seqTerms } from './terms-seq.js';
import { stringTerms } from './terms-string.js';
import { timeTerms } from './terms-time.js';
import { typeTerms } from './terms-types.js';
import { writeTerms } from './terms-write.js';

export const HANDLERS: ReadonlyMap<number, Handler> = new Map([
  ...controlTerms, ...dbTerms, ...indexTerms, ...seqTerms, ...aggregateTerms, ...orderTerms, ...objectTerms,
  ...arrayTerms, ...changesTerms, ...joinTerms, ...mathTerms, ...stringTerms, ...timeTerms, ...typeTerms, ...writeTerms,
]);
