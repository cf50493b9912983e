import type { LogLevel } from '../schemas.js';

/** What a format recognises on the first line of an entry. */
export interface ParsedHead {
  time: number | null;
  level: LogLevel | null;
  /** The service the line names; null means "use the file's name". */
  service: string | null;
  /** An access line's upstream host name: the service, when the file's own name is none (`access.log`). */
  upstream?: string;
  message: string;
}
