// Errors the server answers with. Every error frame carries `b` (a backtrace): without it
// the official driver throws inside its socket handler and the connection hangs for good.
import { ErrorType, ResponseType } from '../protocol.js';

/** A backtrace frame: a positional argument index, or an optarg name. */
export type Frame = number | string;

export class ReqlError extends Error {
  /** Backtrace from the root term to the failing one; the evaluator prepends frames. */
  readonly backtrace: Frame[];
  constructor(
    /** CLIENT_ERROR, COMPILE_ERROR or RUNTIME_ERROR. */
    readonly responseType: number,
    message: string,
    /** ErrorType; only RUNTIME_ERROR answers carry it (`e`). */
    readonly errorType: number | undefined,
    backtrace: Frame[] = [],
    /**
     * `r.error()` with no message: on the wire a QUERY_LOGIC error, but `default` and
     * filter's `default` optarg turn it back into the error they were absorbing.
     */
    readonly emptyUser = false,
  ) {
    super(message);
    this.name = 'ReqlError';
    this.backtrace = backtrace;
  }
}

export function clientError(message: string): ReqlError {
  return new ReqlError(ResponseType.CLIENT_ERROR, message, undefined);
}

export function compileError(message: string, backtrace: Frame[] = []): ReqlError {
  return new ReqlError(ResponseType.COMPILE_ERROR, message, undefined, backtrace);
}

export function runtimeError(
  errorType: number = ErrorType.QUERY_LOGIC,
  message: string,
  backtrace: Frame[] = [],
): ReqlError {
  return new ReqlError(ResponseType.RUNTIME_ERROR, message, errorType, backtrace);
}

/**
 * A type error about `target`: NON_EXISTENCE when the value is null (so `default()`
 * absorbs it and `filter` skips the row, as on the real server), QUERY_LOGIC otherwise.
 */
export function typeError(target: unknown, message: string): ReqlError {
  return runtimeError(target === null ? ErrorType.NON_EXISTENCE : ErrorType.QUERY_LOGIC, message);
}

export function logicError(message: string): ReqlError {
  return runtimeError(ErrorType.QUERY_LOGIC, message);
}

export function nonExistence(message: string): ReqlError {
  return runtimeError(ErrorType.NON_EXISTENCE, message);
}

export function opFailed(message: string): ReqlError {
  return runtimeError(ErrorType.OP_FAILED, message);
}

/** Whether `err` is a NON_EXISTENCE runtime error (what `default()` absorbs). */
export function isNonExistence(err: unknown): err is ReqlError {
  return err instanceof ReqlError && err.errorType === ErrorType.NON_EXISTENCE;
}

/** The JSON body of an error response, keys in the order the real server writes them. */
export function errorResponse(err: ReqlError): string {
  const e = err.errorType === undefined ? '' : `"e":${err.errorType},`;
  return `{"t":${err.responseType},${e}"r":[${JSON.stringify(err.message)}],"b":${JSON.stringify(err.backtrace)}}`;
}
