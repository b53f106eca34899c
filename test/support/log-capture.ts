import { createHeraldLog, type HeraldLog } from '../../src/logging/herald-log';
import type { HeraldLogLevel } from '../../src/logging/log-settings';

/** One JSON log line as Herald writes it. */
export type LogLine = Record<string, any> & { level: string; msg: string };

/**
 * A pino destination in memory: every line a Herald logs through `log()` is kept, as written
 * (`text`) and parsed (`lines`). Pass `capture.log()` to startHerald({ log }).
 */
export class LogCapture {
  readonly text: string[] = [];
  readonly lines: LogLine[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      this.text.push(line);
      this.lines.push(JSON.parse(line) as LogLine);
    }
  }

  /** A Herald logger writing JSON lines here, from `level` up (default: every line). */
  log(level: HeraldLogLevel = 'trace'): HeraldLog {
    return createHeraldLog({ level, format: 'json' }, this);
  }

  /** The lines for which `pick` holds. */
  where(pick: (line: LogLine) => boolean): LogLine[] {
    return this.lines.filter(pick);
  }
}
