// The chaos run through the official driver (see chaos-run.ts). Replay: CHAOS_SEED=<n> npm test -- chaos-official
import { it } from 'node:test';
import { chaos } from './chaos-run.js';
import { OFFICIAL } from './chaos-workload.js';

it('official driver: every operation settles under a seeded fault plan, with default options', () => chaos(OFFICIAL));
