// Where the report goes: the text table, the JSON and the HTML report, each to a file or to
// standard output. `-` names standard output; stdout then holds that report and nothing
// else (the table moves to stderr), so `repool bench --json - | jq` reads one document.
import { writeFile } from 'node:fs/promises';
import type { BenchOptions } from './args.js';
import type { BenchReport } from './report-model.js';
import { formatReport } from './report.js';
import { reportToJson } from './report-json.js';
import { reportToHtml } from './report-html.js';

/** The name that means standard output for --json and --html. */
export const STDOUT = '-';

export interface OutputStreams {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
}

/** True when a machine-readable report takes stdout, so the table must go elsewhere. */
export function stdoutTaken(o: Pick<BenchOptions, 'jsonFile' | 'htmlFile'>): boolean {
  return o.jsonFile === STDOUT || o.htmlFile === STDOUT;
}

/** Prints the table and writes the report files the options ask for. */
export async function writeOutputs(report: BenchReport, o: BenchOptions, io: OutputStreams): Promise<void> {
  (stdoutTaken(o) ? io.stderr : io.stdout).write(`${formatReport(report)}\n`);
  const files: [string | undefined, () => string][] = [
    [o.jsonFile, () => reportToJson(report)],
    [o.htmlFile, () => reportToHtml(report)],
  ];
  for (const [file, render] of files) {
    if (file === undefined) continue;
    if (file === STDOUT) {
      io.stdout.write(render());
    } else {
      await writeFile(file, render());
      io.stderr.write(`wrote ${file}\n`);
    }
  }
}
