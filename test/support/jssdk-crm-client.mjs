/**
 * The official @bitrix24/b24jssdk on the CRM as integrations use it: crm.item.add and get, the
 * list helpers over crm.item.list (callListMethod by `next`; callList and fetchList by `>id`),
 * and a batch mixing crm.item.* and booking.v1.*. Run in a child process with
 * NODE_EXTRA_CA_CERTS pointing at the server's certificate (TLS verification stays on).
 *
 * env: B24_WEBHOOK_URL (https://host:port/rest/<user>/<secret>), B24_TITLE_PREFIX (the listed deals)
 * stdout: one line `RESULT <json>` with what the SDK returned.
 */
import { B24Hook } from '@bitrix24/b24jssdk';

const b24 = B24Hook.fromWebhookUrl(process.env.B24_WEBHOOK_URL);
b24.offClientSideWarning();
const prefix = process.env.B24_TITLE_PREFIX;
const ids = (items) => items.map((item) => item.id);

const added = await b24.actions.v2.call.make({
  method: 'crm.item.add',
  params: { entityTypeId: 2, fields: { title: 'From the SDK', opportunity: 120.5 } },
});
const id = added.getData().result.item.id;
const got = await b24.actions.v2.call.make({ method: 'crm.item.get', params: { entityTypeId: 2, id } });

const listParams = { entityTypeId: 2, filter: { '=%title': `${prefix}%` }, select: ['id', 'title'] };
const byNext = await b24.callListMethod('crm.item.list', listParams, null, 'items');
const byId = await b24.actions.v2.callList.make({
  method: 'crm.item.list',
  params: listParams,
  idKey: 'id',
  customKeyForResult: 'items',
});
const chunks = [];
for await (const chunk of b24.actions.v2.fetchList.make({
  method: 'crm.item.list',
  params: listParams,
  idKey: 'id',
  customKeyForResult: 'items',
})) {
  chunks.push(ids(chunk));
}

const batch = await b24.actions.v2.batch.make({
  calls: {
    deal: { method: 'crm.item.add', params: { entityTypeId: 2, fields: { title: 'Batch deal' } } },
    type: { method: 'booking.v1.resourceType.add', params: { fields: { name: 'Room', code: 'sdk-room' } } },
    read: { method: 'crm.item.get', params: { entityTypeId: 2, id: '$result[deal][item][id]' } },
    types: { method: 'booking.v1.resourceType.list', params: {} },
  },
  options: { isHaltOnError: true, returnAjaxResult: true },
});
const commands = {};
if (batch.isSuccess) {
  for (const [key, ajax] of Object.entries(batch.getData())) {
    commands[key] = { isSuccess: ajax.isSuccess, result: ajax.getData()?.result, time: ajax.getData()?.time };
  }
}

console.log(
  `RESULT ${JSON.stringify({
    added: { isSuccess: added.isSuccess, item: added.getData().result.item },
    got: { isSuccess: got.isSuccess, item: got.getData().result.item },
    byNext: { isSuccess: byNext.isSuccess, errors: byNext.getErrorMessages(), ids: ids(byNext.getData()) },
    byId: { isSuccess: byId.isSuccess, errors: byId.getErrorMessages(), ids: ids(byId.getData()) },
    chunks,
    batch: { isSuccess: batch.isSuccess, errors: batch.getErrorMessages(), commands },
  })}`,
);
