export { ConfigError, parseDatabaseUrl, resolveServeConfig } from './config';
export { ApiError } from './core/api-error';
export type { Clock } from './core/clock';
export type { RequestLogEntry, RequestLogger } from './http/request-log';
export type { HttpRequest, HttpResponse } from './http/types';
export type { InProcessSessionParams } from './sessions/in-process-sessions';
export { type RunningTessera, startTessera, type TesseraOptions } from './tessera';
