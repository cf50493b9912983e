import type { ParsedHead } from '../parser/index.js';

/**
 * The service of a parsed line: the one it names, else (for an access line in a file whose name is no service, such
 * as `access.log`) its upstream's host name, else the file's service (its name, or LOG_SERVICES). One rule for every
 * reader, so counts, samples and entries agree.
 */

/** File names of web servers' own logs: they say which program wrote them, not which service answered. */
const WEB_SERVER_FILE = /^(?:access|access_log|ssl_access|ssl_access_log|other_vhosts_access|nginx|httpd|apache2?|proxy)$/i;

export function headService(head: Pick<ParsedHead, 'service' | 'upstream'>, fileService: string): string {
  if (head.service) return head.service;
  if (head.upstream && WEB_SERVER_FILE.test(fileService)) return head.upstream;
  return fileService;
}
