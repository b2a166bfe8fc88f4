// The fault proxy's option checks: every bad value is a TypeError naming the option.
import type { FaultProxyOptions } from '../fault-proxy.js';

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
  const target = o['target'];
  if (typeof target !== 'object' || target === null) {
    fail('options.target', 'an object with host and port', target);
  }
  const t = target as Record<string, unknown>;
  checkHost('options.target.host', t['host']);
  checkPort('options.target.port', t['port'], 1);
  if (o['port'] !== undefined) checkPort('options.port', o['port'], 0);
  if (o['host'] !== undefined) checkHost('options.host', o['host']);
  const whenDown = o['whenTargetDown'];
  if (whenDown !== undefined && whenDown !== 'close' && whenDown !== 'reset') {
    fail('options.whenTargetDown', "'close' or 'reset'", whenDown);
  }
}
