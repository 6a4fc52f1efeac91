/**
 * `multipart/form-data` bodies, which the docs say every method accepts: the fields become the
 * same PHP-style tree as a form body (`fields[note]=x`); files are read and dropped (no booking
 * method takes one).
 */
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { errors } from '../rest/errors.js';
import { MAX_PARAMETERS, type Params, parsePhpQuery } from './request-params.js';

export function parseMultipart(body: Buffer, contentType: string): Promise<Params> {
  return new Promise((resolve, reject) => {
    const pairs: string[] = [];
    let parser: BusboyInstance;
    try {
      parser = new Busboy({ headers: { 'content-type': contentType }, limits: { fields: MAX_PARAMETERS } });
    } catch {
      reject(errors.malformedMultipart());
      return;
    }
    parser.on('field', (name: string, value: string) => {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    });
    parser.on('file', (_name: string, file: NodeJS.ReadableStream) => {
      file.resume();
    });
    parser.on('error', () => reject(errors.malformedMultipart()));
    parser.on('finish', () => {
      try {
        resolve(parsePhpQuery(pairs.join('&')));
      } catch (error) {
        reject(error);
      }
    });
    parser.end(body);
  });
}
