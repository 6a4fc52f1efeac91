/**
 * `<owner>.client.set`, `.list`, `.unset`: one declaration for the clients of wait-list entries
 * and bookings (rules in ./clients.ts). The owner must be live (its not-found error) before
 * client types are checked (1025); set and unset run through the owner's update command, so
 * they record its Update event even when nothing changed.
 */
import { errors, type RestError } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { BookingPage, defineMethod, type MethodContext } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import type { ClientOwner, ClientOwnerKind } from '../../store/repositories/clients.js';
import type { ExternalLink } from '../../store/repositories/external-links.js';
import type { Repositories } from '../../store/store.js';
import { clientView, externalizeClient, replaceClients, resolveClients } from './clients.js';

export interface ClientOwnerMethods {
  /** `booking.v1.waitlist`, `booking.v1.booking` */
  readonly prefix: string;
  readonly kind: ClientOwnerKind;
  /** The id parameter, as the pages name it: `waitListId`, `bookingId`. */
  readonly idParam: string;
  /** The key of `client.list`'s answer: `waitListClient`, `bookingClient`. */
  readonly listKey: string;
  readonly notFound: () => RestError;
  exists(repos: Repositories, id: number): Promise<boolean>;
  externalData(repos: Repositories, id: number): Promise<ExternalLink[]>;
  /** The owner's update command: lock, not found, change, Update event. */
  update(ctx: MethodContext, id: number, change: (repos: Repositories) => Promise<void>): Promise<boolean>;
}

export function clientMethods(owner: ClientOwnerMethods) {
  const ownerOf = (id: number): ClientOwner => ({ kind: owner.kind, id });
  const idOf = (args: Record<string, unknown>) => args[owner.idParam] as number;

  const set = defineMethod({
    name: `${owner.prefix}.client.set`,
    scope: 'booking',
    result: result.success(),
    raises: [owner.notFound, errors.clientTypeNotFound],
    params: { [owner.idParam]: param.int(), clients: param.items(clientView) },
    handler: (args, ctx) => {
      const id = idOf(args);
      return owner.update(ctx, id, async (repos) => {
        const resolved = await resolveClients(repos, args.clients as Record<string, unknown>[]);
        await replaceClients(repos, ownerOf(id), resolved, await owner.externalData(repos, id));
      });
    },
  });

  const list = defineMethod({
    name: `${owner.prefix}.client.list`,
    scope: 'booking',
    result: result.bookingPage(owner.listKey, clientView),
    raises: [owner.notFound],
    params: { [owner.idParam]: param.int() },
    handler: (args, ctx) =>
      ctx.store.read(async (repos) => {
        const id = idOf(args);
        if (!(await owner.exists(repos, id))) throw owner.notFound();
        return new BookingPage(owner.listKey, (await repos.clients.list(ownerOf(id))).map(externalizeClient));
      }),
  });

  const unset = defineMethod({
    name: `${owner.prefix}.client.unset`,
    scope: 'booking',
    result: result.success(),
    raises: [owner.notFound],
    params: { [owner.idParam]: param.int() },
    handler: (args, ctx) => {
      const id = idOf(args);
      return owner.update(ctx, id, async (repos) => {
        await replaceClients(repos, ownerOf(id), [], await owner.externalData(repos, id));
      });
    },
  });

  return [set, list, unset];
}
