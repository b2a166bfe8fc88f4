// Live progress while the bench runs. On a terminal: one bar rewritten in place with `\r`
// (throughput of the last second, p99 so far). Elsewhere (CI logs, pipes, files): one plain
// line per second, because `\r` rewrites turn into one unreadable line there.
import type { RunSnapshot } from './runner.js';
import { int, ms } from './format.js';

/** The part of a stream the display uses; process.stderr fits. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Progress {
  /** Shows the state of the run; called about once a second. */
  update(snapshot: RunSnapshot): void;
  /** Ends the display (the TTY bar gets its newline). */
  done(): void;
}

const BAR_WIDTH = 24;

/** Elapsed time as 12.0s: ticks come about once a second, so tenths are plenty. */
function seconds(elapsedMs: number): string {
  return `${(elapsedMs / 1000).toFixed(1)}s`;
}

function stats(s: RunSnapshot): string {
  const errs = s.errors > 0 ? `  ${int(s.errors)} errors` : '';
  return `${int(s.lastSecondQps)} q/s  p99 ${ms(s.p99Us)} ms  ${int(s.ok)} done${errs}`;
}

export function createProgress(stream: ProgressStream): Progress {
  if (stream.isTTY === true) {
    let drawn = false;
    return {
      update(s) {
        const filled = Math.round(s.fraction * BAR_WIDTH);
        const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
        const pct = String(Math.floor(s.fraction * 100)).padStart(3);
        let line = `[${bar}] ${pct}%  ${seconds(s.elapsedMs)}  ${stats(s)}`;
        // Never wrap: a wrapped line cannot be rewritten with \r.
        const cols = stream.columns || 80; // 0 when the terminal does not say
        if (line.length > cols - 1) line = line.slice(0, Math.max(0, cols - 1));
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write('\n');
        drawn = false;
      },
    };
  }
  return {
    update(s) {
      stream.write(`${seconds(s.elapsedMs).padStart(7)}  ${stats(s)}\n`);
    },
    done() {},
  };
}
