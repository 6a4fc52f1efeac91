/**
 * The directory: which portal each credential belongs to, so a call finds its portal from its
 * credentials alone. It lives in the default portal's database (`portal_credential`): a webhook
 * secret (its hash), an application's client id and an access token (their hashes behind a prefix
 * naming the kind). The default portal's own webhooks are not in it: its own table says whose
 * they are, and anything the directory does not know is the default portal's to judge.
 */
import type { CallerCache, CredentialIndex, CredentialKind } from '../rest/auth.js';
import type { AuthThrottle } from '../rest/auth-throttle.js';
import { errors } from '../rest/errors.js';
import type { Store } from '../store/store.js';

/**
 * The directory's key of a client id or an access token (`hash` is hashSecret of it). The kind
 * in front keeps the kinds apart, and apart from webhook secrets, whose key is the bare hash.
 */
export function credentialKey(kind: CredentialKind, hash: string): string {
  // Webhook secrets were the directory's first entries: their key is the bare hash.
  return kind === 'webhook' ? hash : `${kind}:${hash}`;
}

/**
 * Where a portal's client ids and tokens are recorded: the directory in `control`, the default
 * portal's store. Also for commands that act on a portal offline (`app add --portal`).
 */
export function credentialIndex(control: Store, portal: string): CredentialIndex {
  return {
    claim: async (kind, hash, expiresAt) => {
      // The default portal's webhooks are not in the directory: its own table says whose they are.
      const inDefault = kind === 'webhook' && (await control.read(({ webhooks }) => webhooks.findBySecretHash(hash)));
      const claimed =
        !inDefault &&
        (await control.write(({ portals }) => portals.claimSecret(credentialKey(kind, hash), portal, expiresAt)));
      // Client ids and tokens are random: another portal holding the same one means a broken generator.
      if (!claimed) throw new CredentialTaken(kind);
    },
    forget: (kind, hashes) =>
      control.write(({ portals }) =>
        portals.forget(
          hashes.map((h) => credentialKey(kind, h)),
          portal,
        ),
      ),
  };
}

/** A credential of another portal was given for this one (a webhook secret, in practice). */
export class CredentialTaken extends Error {
  constructor(readonly kind: CredentialKind) {
    super(`A ${kind} of another portal has the same value`);
  }
}

/** How long a credential's portal is believed without asking the directory again, ms. */
const RESOLVED_MS = 1000;
/** Credentials whose portal is remembered at most; past it the memory starts again. */
const RESOLVED_MAX = 10_000;
/**
 * How long after it expired a token's entry is dropped. Generous: the entry's expiry is in real
 * time, and a portal whose clock was put back runs its tokens for longer.
 */
const EXPIRED_ENTRY_KEPT_MS = 7 * 24 * 3600_000;

/** What the default portal knows of a caller before the directory is asked. */
export interface DefaultPortalAuth {
  /** Credentials the default portal found lately (they are its own). */
  readonly callers?: CallerCache;
  /** Slows repeated failed authentication per client address. */
  readonly authThrottle?: AuthThrottle;
}

/** Finds the portal of a credential, remembering the answer for a second. */
export class CredentialDirectory {
  /** Credentials whose portal was looked up lately, by the caller cache's key. */
  private readonly resolved = new Map<string, { portal: string; until: number }>();

  constructor(private readonly control: () => Store) {}

  /**
   * The name of the portal other than `default` that a credential belongs to; undefined: it is
   * the default portal's to judge. `cacheKey` is the caller cache's key of the credential,
   * `directoryKey` makes its directory key (a hash: made only when the directory is asked).
   * `address`: the client's, for the failed-authentication throttle. An address that guessed too
   * often is refused before the directory is asked, as the default portal's lookup would refuse it.
   */
  async find(
    defaultAuth: DefaultPortalAuth,
    cacheKey: string,
    directoryKey: () => string,
    address?: string,
  ): Promise<string | undefined> {
    const now = performance.now();
    const known = this.resolved.get(cacheKey);
    if (known !== undefined && known.until > now) return known.portal;
    // Credentials the default portal found lately are its own: no other portal can hold them
    // (a portal's credentials are claimed in the directory, one portal each).
    if (defaultAuth.callers?.get(cacheKey)) return undefined;
    const throttle = defaultAuth.authThrottle;
    if (address !== undefined && throttle && !throttle.admits(address, cacheKey)) throw errors.queryLimitExceeded();
    // Anything else is asked of the directory every time it is not known, so a portal made by
    // another process answers at once.
    const key = directoryKey();
    const name = await this.control().read(({ portals }) => portals.portalOf(key));
    if (name === undefined) return undefined;
    if (this.resolved.size >= RESOLVED_MAX) this.resolved.clear();
    this.resolved.set(cacheKey, { portal: name, until: now + RESOLVED_MS });
    return name;
  }

  /** Forgets which credentials were found to be the portal's (it was removed or changed). */
  forgetPortal(name: string): void {
    for (const [key, entry] of this.resolved) if (entry.portal === name) this.resolved.delete(key);
  }

  /** Drops the entries of access tokens that expired long before `now` (real time, ms). */
  async pruneExpired(now = Date.now()): Promise<void> {
    await this.control().write(({ portals }) => portals.pruneExpired(now - EXPIRED_ENTRY_KEPT_MS));
  }
}
