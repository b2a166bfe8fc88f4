// What a benchmark result was measured on, so figures from different machines are not mixed.
import { writeFileSync } from 'node:fs';
import os from 'node:os';

export function machineInfo(): { cpu: string; cores: number; node: string; platform: string; date: string } {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

/** Writes a benchmark's result as JSON, with the machine it ran on and the command to rerun it. */
export function writeResult(file: string, benchmark: string, command: string, fields: Record<string, unknown>): void {
  writeFileSync(file, `${JSON.stringify({ benchmark, command, machine: machineInfo(), ...fields }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}
