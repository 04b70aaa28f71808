export { ConfigError, parseDatabaseUrl, resolveServeConfig } from './config';
export type { Clock } from './core/clock';
export type { RequestLogEntry, RequestLogger } from './http/request-log';
export type { HttpRequest, HttpResponse } from './http/types';
export { type RunningTessera, startTessera, type TesseraOptions } from './tessera';
