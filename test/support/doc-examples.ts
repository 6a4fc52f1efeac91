/**
 * The cURL examples of the doc pages, run as written against a test server with only the host
 * and the credentials replaced.
 */
import fixture from '../fixtures/doc-examples.json' with { type: 'json' };
import { type Reply, readReply, type TestServer } from './server.js';

export interface CurlBlock {
  tab: string | null;
  command: string;
}

export const docExamples: Record<string, CurlBlock[]> = fixture;

export const WEBHOOK_BASE =
  'https://**put_your_bitrix24_address**/rest/**put_your_user_id_here**/**put_your_webhook_here**/';
export const OAUTH_BASE = 'https://**put_your_bitrix24_address**/rest/';
export const ACCESS_TOKEN = '**put_access_token_here**';

// ---------------------------------------------------------------------------------------------
// Reading the examples

export interface CurlExample {
  /** `booking-v1-waitlist-get.md, OAuth example` */
  name: string;
  page: string;
  /** By what it sends: an `auth` token in the body, or the webhook URL. */
  kind: 'Webhook' | 'OAuth';
  httpMethod: string;
  headers: Record<string, string>;
  body: string | undefined;
  url: string;
}

/** Splits a shell command into words: single and double quotes, backslash escapes, `\` line ends. */
export function shellWords(command: string): string[] {
  const text = command.replace(/\\\r?\n/g, ' ');
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in: ${command}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let part = '';
      for (i++; text[i] !== '"'; i++) {
        if (i >= text.length) throw new Error(`unterminated " in: ${command}`);
        if (text[i] === '\\') i++;
        part += text[i];
      }
      word = (word ?? '') + part;
    } else if (c === '\\') {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The options these pages use; anything else fails loudly rather than being run wrongly. */
export function parseCurl(name: string, command: string): Omit<CurlExample, 'page' | 'kind'> {
  const words = shellWords(command);
  if (words[0] !== 'curl') throw new Error(`${name}: not a curl command`);
  const example = {
    name,
    httpMethod: 'GET',
    headers: {} as Record<string, string>,
    body: undefined as string | undefined,
    url: '',
  };
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    const value = () => {
      const next = words[++i];
      if (next === undefined) throw new Error(`${name}: ${word} without a value`);
      return next;
    };
    if (word === '-X' || word === '--request') example.httpMethod = value();
    else if (word === '-H' || word === '--header') {
      const header = value();
      const colon = header.indexOf(':');
      example.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') {
      example.body = value();
      if (example.httpMethod === 'GET') example.httpMethod = 'POST';
    } else if (word.startsWith('-')) throw new Error(`${name}: unsupported curl option ${word}`);
    else if (example.url) throw new Error(`${name}: two URLs`);
    else example.url = word;
  }
  return example;
}

/**
 * The cURL examples of a doc page (path under api-reference/ or settings/, as in the fixture),
 * parsed. They come from test/fixtures/doc-examples.json, made by scripts/doc-examples.mjs and
 * checked against the docs by test/doc-examples.test.ts when the docs are at hand.
 */
export function curlExamples(page: string): CurlExample[] {
  const blocks = docExamples[page];
  if (!blocks) throw new Error(`no examples of ${page} in the fixture: run node scripts/doc-examples.mjs`);
  return blocks.map(({ tab, command }) => {
    const file = page.split('/').pop() as string;
    const parsed = parseCurl(file, command);
    // Read from the text: one page's example is not valid JSON (crm-type-list.md's first), and
    // some send the token in the query string (`?auth=`).
    const oauth = parsed.body?.includes(`"${ACCESS_TOKEN}"`) || parsed.url.includes(`auth=${ACCESS_TOKEN}`);
    const kind = oauth ? 'OAuth' : 'Webhook';
    // Some pages put an example under the other kind's tab; name them by what they send.
    const label = tab === `cURL (${kind})` ? '' : ` (under the tab "${tab}")`;
    return { ...parsed, name: `${file}, ${kind} example${label}`, page, kind };
  });
}

/** The REST method an example calls: the last segment of its URL. */
export const restMethod = (example: CurlExample) => (example.url.split('/').pop() as string).split('?')[0] as string;

export function bodyParams(example: Pick<CurlExample, 'body'>): Record<string, unknown> {
  return example.body === undefined ? {} : JSON.parse(example.body);
}

/** The same call through the test server's webhook: `auth` removed, webhook URL. */
export function asWebhookCall(example: CurlExample): CurlExample {
  const { auth: _auth, ...params } = bodyParams(example);
  return {
    ...example,
    name: `${example.name} as a webhook call`,
    body: JSON.stringify(params),
    url: WEBHOOK_BASE + example.url.slice(OAUTH_BASE.length),
  };
}

/** Runs an example with fetch; only the host and the credentials are replaced. */
export async function runExample(server: TestServer, example: CurlExample): Promise<Reply> {
  let url: string;
  if (example.url.startsWith(WEBHOOK_BASE)) url = server.hook + example.url.slice(WEBHOOK_BASE.length);
  else if (example.url.startsWith(OAUTH_BASE)) url = `${server.url}/rest/${example.url.slice(OAUTH_BASE.length)}`;
  else throw new Error(`${example.name}: unexpected URL ${example.url}`);
  return readReply(await fetch(url, { method: example.httpMethod, headers: example.headers, body: example.body }));
}
