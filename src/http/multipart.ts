/**
 * `multipart/form-data` bodies, which the docs say every method accepts: the fields become the
 * same PHP-style tree as a form body (`fields[note]=x`); files are read and dropped (no booking
 * method takes one).
 *
 * busboy calls its listeners from its own stream callbacks, some of them on a later tick: an
 * exception thrown there reaches no caller and ends the process. So every listener here is
 * guarded, and whatever goes wrong in one settles the promise with a Bitrix-shaped 400.
 */
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { errors, RestError } from '../rest/errors.js';
import { MAX_PARAMETERS, type Params, parsePhpQuery } from './request-params.js';

export function parseMultipart(body: Buffer, contentType: string): Promise<Params> {
  return new Promise((resolve, reject) => {
    const pairs: string[] = [];
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error instanceof RestError ? error : errors.malformedMultipart());
    };
    /** A listener that can never throw into busboy's stream machinery. */
    const guarded =
      <A extends unknown[]>(listener: (...args: A) => void) =>
      (...args: A) => {
        if (settled) return;
        try {
          listener(...args);
        } catch (error) {
          fail(error);
        }
      };
    let parser: BusboyInstance;
    try {
      parser = new Busboy({ headers: { 'content-type': contentType }, limits: { fields: MAX_PARAMETERS } });
    } catch {
      fail(errors.malformedMultipart());
      return;
    }
    parser.on(
      'field',
      guarded((name: string, value: string) => {
        pairs.push(`${formComponent(name)}=${formComponent(value)}`);
      }),
    );
    parser.on(
      'file',
      guarded((_name: string, file: NodeJS.ReadableStream) => {
        file.on('error', fail);
        file.resume();
      }),
    );
    parser.on('error', fail);
    parser.on(
      'finish',
      guarded(() => {
        const params = parsePhpQuery(pairs.join('&'));
        settled = true;
        resolve(params);
      }),
    );
    try {
      parser.end(body);
    } catch (error) {
      fail(error);
    }
  });
}

/**
 * A name or value as a form body would carry it. A part may declare any charset; one whose
 * bytes decode to a lone surrogate (`charset=utf-16le`, bytes `00 D8`) is no text at all, and
 * is refused as a body in the wrong encoding.
 */
function formComponent(text: string): string {
  if (!isWellFormed(text)) throw errors.wrongEncoding();
  return encodeURIComponent(text);
}

/** String.prototype.isWellFormed, which Node 20 has and the ES2023 typings do not. */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
