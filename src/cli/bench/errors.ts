// Names errors for the errors-by-type table: a pool error by its stable `code` (what users
// branch on), anything else (driver errors, ReqlRuntimeError...) by its class name.
import { PoolError } from '../../index.js';

export function errorType(err: unknown): string {
  if (err instanceof PoolError) return err.code;
  if (err instanceof Error) return err.name;
  return typeof err;
}
