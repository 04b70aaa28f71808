export type { Clock } from './core/clock';
export { ConfigError, parseDatabaseUrl, resolveServeConfig } from './config';
export type { HttpRequest, HttpResponse } from './http/types';
export type { RequestLogEntry, RequestLogger } from './http/request-log';
export { type RunningTessera, startTessera, type TesseraOptions } from './tessera';
