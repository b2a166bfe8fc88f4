// One authenticated connection's queries: parses each frame's JSON, dispatches on the query
// type, runs START terms through the evaluator and answers with frames on the same token.
// Nothing a client sends may throw out of here: a bad query gets an error frame, a bug in the
// evaluator gets RUNTIME_ERROR INTERNAL.
import { CursorCache } from './cursors.js';
import { FeedCursors } from './feeds/feed-cursors.js';
import { encodeFrame } from './framing.js';
import { ErrorType, QueryType, ResponseType } from './protocol.js';
import { clientError, errorResponse, ReqlError, runtimeError } from './reql/errors.js';
import { runQuery } from './reql/run-query.js';
import type { EvalContext, QueryResult, StartQuery } from './reql/types.js';

/** Evaluates a START query; synchronous, throws ReqlError for query errors. */
export type Evaluator = (query: StartQuery, ctx: EvalContext) => QueryResult;

/** Counters a session adds to; owned by the server so they survive connections. */
export interface QueryCounters {
  /** Query frames handled (answered, or run silently under noreply). */
  queries: number;
  /** Changefeeds open now, on every connection. */
  feeds: number;
}

const STOPPED = `{"t":${ResponseType.SUCCESS_SEQUENCE},"r":[],"n":[]}`;
const WAIT_COMPLETE = `{"t":${ResponseType.WAIT_COMPLETE},"r":[]}`;
const PROFILE = '"p":[],';
const NO_OPTARGS: Readonly<Record<string, unknown>> = Object.freeze({});

/** RethinkDB's name for a JSON value's type, as its parse errors print it. */
function typeName(value: unknown): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  switch (typeof value) {
    case 'boolean': return 'BOOL';
    case 'number': return 'NUMBER';
    case 'string': return 'STRING';
    default: return 'OBJECT';
  }
}

/** `noreply` and `profile` are read before evaluation: literal true, or the DATUM `[1,true]`. */
function isTrue(value: unknown): boolean {
  return value === true || (Array.isArray(value) && value.length === 2 && value[0] === 1 && value[1] === true);
}

function parseError(detail: string): string {
  return errorResponse(clientError(`Server could not parse query: ${detail}`));
}

function internalError(err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  return errorResponse(runtimeError(ErrorType.INTERNAL, `Internal error in the test server: ${detail}`));
}

export class Session {
  private readonly cursors = new CursorCache();
  private readonly feeds: FeedCursors;
  private serverInfo: string | undefined;

  constructor(
    private readonly ctx: EvalContext,
    private readonly send: (frame: Buffer) => void,
    private readonly counters: QueryCounters,
    /** Replaceable so tests can make the evaluator fail in ways a client cannot. */
    private readonly evaluate: Evaluator = runQuery,
  ) {
    this.feeds = new FeedCursors((token, body) => this.send(encodeFrame(token, body)), counters);
  }

  /** Handles one query frame; never throws. */
  handleFrame(token: number, body: Buffer): void {
    this.counters.queries++;
    let answer: string | undefined;
    try {
      answer = this.answer(token, body);
    } catch (err) {
      answer = internalError(err);
    }
    if (answer !== undefined) this.send(encodeFrame(token, answer));
  }

  /** Drops every open stream and feed (the client went away). */
  close(): void {
    this.cursors.clear();
    this.feeds.closeAll();
  }

  /** The response body for one query, or undefined when nothing must be sent (noreply). */
  private answer(token: number, body: Buffer): string | undefined {
    let query: unknown;
    try {
      query = JSON.parse(body.toString('utf8'));
    } catch {
      return errorResponse(clientError('Client is buggy (failed to deserialize query).'));
    }
    if (!Array.isArray(query)) return parseError(`Expected a query to be an array, but found ${typeName(query)}.`);
    if (query.length < 1 || query.length > 3) {
      return parseError(`Expected 1 to 3 elements in the top-level query, but found ${query.length}.`);
    }
    const [type, term, optargs] = query as [unknown, unknown, unknown];
    if (typeof type !== 'number') return parseError(`Expected a query type as a number, but found ${typeName(type)}.`);
    if (optargs !== undefined && (optargs === null || typeof optargs !== 'object' || Array.isArray(optargs))) {
      return parseError(`Expected global optargs as an object, but found ${typeName(optargs)}.`);
    }
    switch (type) {
      case QueryType.START:
        if (query.length < 2) return parseError('Expected a term in a START query, but found none.');
        return this.start(token, term, (optargs ?? NO_OPTARGS) as Record<string, unknown>);
      case QueryType.CONTINUE:
        // A feed with nothing to send answers later, through `send`.
        if (this.feeds.has(token)) return this.feeds.continue(token);
        return this.cursors.continue(token) ?? this.notInCache(token);
      case QueryType.STOP:
        if (this.feeds.has(token)) return this.feeds.stop(token);
        return this.cursors.stop(token) ? STOPPED : this.notInCache(token);
      case QueryType.NOREPLY_WAIT:
        // Queries run to completion synchronously, so every earlier noreply query is done.
        return WAIT_COMPLETE;
      case QueryType.SERVER_INFO:
        this.serverInfo ??= `{"t":${ResponseType.SERVER_INFO},"r":[${JSON.stringify({
          id: this.ctx.self.id,
          name: this.ctx.self.name,
          proxy: false,
        })}]}`;
        return this.serverInfo;
      default:
        return parseError(`Unrecognized QueryType: ${type}.`);
    }
  }

  private start(token: number, term: unknown, optargs: Record<string, unknown>): string | undefined {
    const noreply = isTrue(optargs.noreply);
    if (this.cursors.has(token) || this.feeds.has(token)) {
      return noreply ? undefined : errorResponse(clientError(`ERROR: duplicate token ${token}`));
    }
    let result: QueryResult;
    try {
      result = this.evaluate({ term, optargs }, this.ctx);
    } catch (err) {
      if (noreply) return undefined;
      return err instanceof ReqlError ? errorResponse(err) : internalError(err);
    }
    if (noreply) return undefined;
    const profile = isTrue(optargs.profile) ? PROFILE : '';
    if (result.kind === 'stream') return this.cursors.start(token, result.rows, profile);
    if (result.kind === 'feed') return this.feeds.start(token, result.feed, profile);
    const value = JSON.stringify(result.value) ?? 'null';
    return profile === ''
      ? `{"t":${ResponseType.SUCCESS_ATOM},"r":[${value}]}`
      : `{"t":${ResponseType.SUCCESS_ATOM},"r":[${value}],"p":[]}`;
  }

  private notInCache(token: number): string {
    return errorResponse(clientError(`Token ${token} not in stream cache.`));
  }
}
