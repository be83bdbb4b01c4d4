// What the log summary reads of an ELB access-log line (shared/elb-access-log.md).
// A full ElbAccessLogRecord from src/accesslog/parse.ts is one; the fast line
// reader (fast-line.ts) fills a reused object of this shape instead, so a
// billion-line log costs no record allocation per line.
import type { ElbAccessLogRecord } from '../accesslog/elb-line.js';

export type LogRecord = Pick<
  ElbAccessLogRecord,
  | 'msec'
  | 'time'
  | 'status'
  | 'method'
  | 'uri'
  | 'requestTime'
  | 'upstream'
  | 'userAgent'
  | 'memberName'
  | 'tcpinfoRtt'
  | 'clientAddress'
> & {
  /**
   * pathKey(uri) and whether it is the URI's path itself (no `{id}`, not cut),
   * when the reader already knows them (fast-line.ts): saves making the URI.
   */
  pathKey?: string;
  pathExact?: boolean;
};
