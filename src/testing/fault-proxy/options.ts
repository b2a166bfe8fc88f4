// The fault proxy's option checks: every bad value is a TypeError naming the option.

/** Where the proxy forwards to. Any object with `host` and `port`, e.g. a test-server handle. */
export interface FaultProxyTarget {
  /** Host name or address to connect to (non-empty). */
  readonly host: string;
  /** TCP port to connect to, 1 to 65535. */
  readonly port: number;
}

/**
 * Options of {@link startFaultProxy}. A bad value makes startFaultProxy() throw a TypeError
 * naming it.
 */
export interface FaultProxyOptions {
  /**
   * The server to forward to. Its `host` and `port` are read again for every new connection,
   * so a handle whose port changes keeps working.
   */
  target: FaultProxyTarget;
  /** Port to listen on, 0 to 65535. @default 0 (any free port; read it from the handle's `port`) */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * What a client sees when the target cannot be reached (its connect is refused: the server
   * is stopped, or down in a restart). `'close'`: the connection is accepted, then closed at
   * once without a byte, as HAProxy, Docker's port mapping or a Kubernetes Service do (the
   * official driver's connect then hangs until its own `timeout`). `'reset'`: accepted, then
   * reset (RST), which drivers see as a failed connect at once. @default 'close'
   */
  whenTargetDown?: 'close' | 'reset';
}


function fail(name: string, must: string, got: unknown): never {
  throw new TypeError(`startFaultProxy: ${name} must be ${must} (got ${String(got)})`);
}

function checkPort(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) {
    fail(name, `an integer from ${min} to 65535`, value);
  }
}

function checkHost(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') fail(name, 'a non-empty string', value);
}

const OPTION_NAMES = new Set(['target', 'port', 'host', 'whenTargetDown']);

export function checkOptions(options: unknown): asserts options is FaultProxyOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`startFaultProxy: unknown option \`${key}\``);
  }
  const target = o.target;
  if (typeof target !== 'object' || target === null) {
    fail('options.target', 'an object with host and port', target);
  }
  const t = target as Record<string, unknown>;
  checkHost('options.target.host', t.host);
  checkPort('options.target.port', t.port, 1);
  if (o.port !== undefined) checkPort('options.port', o.port, 0);
  if (o.host !== undefined) checkHost('options.host', o.host);
  const whenDown = o.whenTargetDown;
  if (whenDown !== undefined && whenDown !== 'close' && whenDown !== 'reset') {
    fail('options.whenTargetDown', "'close' or 'reset'", whenDown);
  }
}
