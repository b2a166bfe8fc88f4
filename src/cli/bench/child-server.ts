// Starts the embedded test server as a child process (`repool server --port 0`), so that the
// server's work never runs on the benchmark's event loop, and so its CPU time can be read
// apart: a slow server must not pass for a fast pool, nor the other way round.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ChildServer {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** CPU time (user + system) the server process has used so far, ms; null off Linux. */
  cpuTimeMs(): Promise<number | null>;
  /** Stops the server (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  /** Extra arguments for `repool server`. */
  readonly args?: readonly string[];
  /** How long to wait for the address line (default 20 s: a cold tsx start is slow). */
  readonly startTimeoutMs?: number;
}

/**
 * The command that runs `repool server`: from source (this file is .ts) through tsx, from
 * the build (this file is .js) with plain node on the compiled CLI.
 */
export function serverCommand(): { command: string; args: string[] } {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const watch = ['--import', new URL(`./exit-with-parent${ext}`, here).href];
  const cli = fileURLToPath(new URL(`../repool${ext}`, here));
  const loader = ext === '.ts' ? ['--import', 'tsx'] : [];
  return { command: process.execPath, args: [...loader, ...watch, cli, 'server'] };
}

// The address in the server's start line, e.g. "listening on 127.0.0.1:39211".
const ADDRESS = /(\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:.]+\]):(\d{1,5})\b/;

/** Linux USER_HZ, fixed at 100 by the kernel's user-space ABI on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time of a process from /proc/<pid>/stat (utime + stime), ms; null if unreadable. */
export async function processCpuTimeMs(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) is in parentheses and may hold spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15: utime, stime
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function startChildServer(options: ChildServerOptions = {}): Promise<ChildServer> {
  const { command, args } = serverCommand();
  const child = spawn(command, [...args, '--port', '0', ...(options.args ?? [])], {
    // stdin is a pipe only so that the server sees it close when this process ends.
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C in the terminal goes to the bench, which stops the load
    // and reports while the server still answers; the bench then stops the server itself.
    detached: true,
  });
  // Never leave a server behind, even when the bench exits early (process.exit, a throw).
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  // Keep the last lines of stderr to explain a failed start; keep draining both pipes after
  // start so a chatty server never blocks on a full pipe.
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const lines = createInterface({ input: child.stdout! });

  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      void stopChild(child);
      // Its last stderr line says why (it prints one line per failure, e.g. a port in use).
      const last = stderrTail.filter((l) => l.trim() !== '').at(-1);
      reject(new Error(`the test server did not start: ${why}${last ? `: ${last.trim()}` : ''}`));
    };
    const onLine = (line: string): void => {
      const m = ADDRESS.exec(line);
      if (!m) return;
      cleanup();
      resolve({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(`it exited (${signal ?? `code ${code}`}) before printing its address`);
    const onError = (err: Error): void => fail(err.message);
    const timer = setTimeout(() => fail(`no address line within ${options.startTimeoutMs ?? 20_000} ms`), options.startTimeoutMs ?? 20_000);
    const cleanup = (): void => {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    lines.on('line', onLine);
    child.on('exit', onExit);
    child.on('error', onError);
  });

  const host = address.host === '0.0.0.0' || address.host === '::' ? '127.0.0.1' : address.host;
  return {
    host,
    port: address.port,
    pid: child.pid!,
    cpuTimeMs: () => processCpuTimeMs(child.pid!),
    stop: () => stopChild(child),
  };
}
