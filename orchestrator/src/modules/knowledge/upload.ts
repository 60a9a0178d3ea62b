import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError } from '../../platform/errors';

/**
 * Multipart parsing for POST /v1/knowledge/upload with multer (the Express-team-maintained parser),
 * in memory and capped at UPLOAD_LIMIT_BYTES, one file. Runs after auth, so strangers' bodies are never read.
 */
const parsers = new Map<number, RequestHandler>();

export const uploadMiddleware: RequestHandler = (req, res, next) => {
  const limit = req.ctx!.services.config.UPLOAD_LIMIT_BYTES;
  let parser = parsers.get(limit);
  if (!parser) {
    parser = multer({ storage: multer.memoryStorage(), limits: { fileSize: limit, files: 1, fields: 10 } }).single('file');
    parsers.set(limit, parser);
  }
  parser(req, res, (error: unknown) => {
    if (!error) return next();
    if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
      return next(new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the upload limit of ${limit} bytes (UPLOAD_LIMIT_BYTES)`));
    }
    if (error instanceof multer.MulterError) return next(new AppError('VALIDATION', `file: ${error.message}`));
    return next(error);
  });
};

export function uploadedFile(req: Request): Express.Multer.File {
  if (!req.file) throw new AppError('VALIDATION', 'file: send the document as multipart/form-data in a field named "file"');
  if (req.file.size === 0) throw new AppError('VALIDATION', 'file: the uploaded file is empty');
  return req.file;
}
