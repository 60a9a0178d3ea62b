import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, isAppError } from '../errors';

/** Maps anything thrown to the one envelope `{ error: { code, message, details? } }`. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const e = error as { type?: string; status?: number; code?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return new AppError('INVALID_JSON', 'The request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the allowed limit');
  if (e?.code === 'LIMIT_FILE_SIZE') return new AppError('PAYLOAD_TOO_LARGE', 'The uploaded file is larger than the allowed limit');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError('UNSUPPORTED_MEDIA_TYPE', e.message ?? 'Unsupported encoding');
  if (error instanceof ZodError) {
    // A response failing its own schema is our bug, not the caller's.
    return new AppError('INTERNAL', 'The server produced an invalid response', { cause: error });
  }
  return new AppError('INTERNAL', 'Something went wrong on our side; the request id identifies it in the logs', { cause: error });
}

export const errorHandler: ErrorRequestHandler = (error, req: Request, res, _next) => {
  const appError = toAppError(error);
  const log = req.ctx?.log;
  if (appError.status >= 500) log?.error({ err: error, code: appError.code }, 'request failed');
  else log?.info({ code: appError.code, status: appError.status }, 'request refused');
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
  res.status(appError.status).json({
    error: { code: appError.code, message: appError.message, ...(appError.details !== undefined ? { details: appError.details } : {}) },
  });
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}; see /docs for the API reference`));
};
