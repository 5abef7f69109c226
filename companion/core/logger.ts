// Structured logs go to a file in the state folder (never the vault); stdout gets one readable line per job.
import { pino } from 'pino';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Logger = Pick<pino.Logger, 'debug' | 'info' | 'warn' | 'error'> & { child(bindings: Record<string, unknown>): Logger };

export function fileLogger(file: string, level = 'info'): Logger {
  mkdirSync(dirname(file), { recursive: true });
  // Synchronous destination: a crash or SIGKILL test must not lose the lines before it.
  return pino({ level, base: undefined, redact: { paths: ['password', '*.password', 'token', '*.token', 'apiKey'], censor: '[secret]' } }, pino.destination({ dest: file, sync: true, mkdir: true }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
