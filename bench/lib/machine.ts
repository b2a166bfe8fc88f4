// What a benchmark result was measured on, so figures from different machines are not mixed.
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
