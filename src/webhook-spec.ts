/** `USERID:SECRET[:scope,scope]`, the form of `--webhook` and of `B24_WEBHOOKS` entries. */
export interface WebhookSpec {
  userId: number;
  secret: string;
  scopes: string[];
}

export const DEFAULT_SCOPES = ['booking', 'crm'];

/**
 * A secret is the whole of a webhook's credential and anyone who can reach the port may try
 * secrets: a short one falls to few guesses. Generated secrets have 16 characters.
 */
export const MIN_WEBHOOK_SECRET_LENGTH = 8;

export function parseWebhookSpec(text: string): WebhookSpec {
  const [user, secret, scopes] = text.split(':');
  const userId = Number(user);
  if (!Number.isSafeInteger(userId) || userId <= 0 || !secret || !/^[A-Za-z0-9_-]+$/.test(secret)) {
    throw new Error(
      `invalid webhook "${text}": expected USERID:SECRET[:scope,scope] (a positive user id, a secret of letters and digits)`,
    );
  }
  if (secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw new Error(
      `invalid webhook for user ${userId}: its secret has ${secret.length} characters; it needs at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`,
    );
  }
  const scopeList =
    scopes === undefined
      ? DEFAULT_SCOPES
      : scopes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  return { userId, secret, scopes: scopeList };
}
