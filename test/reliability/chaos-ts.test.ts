// The chaos run through rethinkdb-ts (see chaos-run.ts). Replay: CHAOS_SEED=<n> npm test -- chaos-ts
import { it } from 'node:test';
import { chaos } from './chaos-run.js';
import { RETHINKDB_TS } from './chaos-workload.js';

it('rethinkdb-ts: every operation settles under a seeded fault plan, with default options', () => chaos(RETHINKDB_TS));
