/**
 * "Copy as curl": a journal entry as a command that calls the same method with the same
 * parameters through a webhook of the portal. The journal never keeps the webhook's secret, so
 * the command reads it from `$B24_WEBHOOK_SECRET`.
 */

export const SECRET_VARIABLE = 'B24_WEBHOOK_SECRET';

/** `'text'` for a POSIX shell: single quotes, and each `'` inside as `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

export function curlCommand(entry: { method: string; params: unknown; caller: { userId: number } }, origin: string) {
  // Method names are letters, digits, dots and underscores; anything else is quoted out of the URL.
  const method = encodeURIComponent(entry.method);
  const url = `${origin}/rest/${entry.caller.userId}/\${${SECRET_VARIABLE}}/${method}`;
  const params = entry.params ?? {};
  const body = typeof params === 'string' ? params : JSON.stringify(params);
  return `curl -s -X POST -H 'Content-Type: application/json' -d ${shellQuote(body)} "${url}"`;
}
