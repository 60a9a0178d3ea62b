import type { Command } from 'commander';
import type { Config } from '../platform/config';
import { registerIngestCommand } from './ingest';

/**
 * Commands contributed by capabilities (e.g. `atrium ingest` from knowledge). Each module adds one
 * registration line here so cli.ts stays small.
 */
export function registerExtraCommands(program: Command, config: () => Config): void {
  registerIngestCommand(program, config);
}
