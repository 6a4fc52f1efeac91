/**
 * Runs the official @bitrix24/b24jssdk against a server, as an integration would: a named
 * batch with a back-reference and the callList helper. Run in a child process with
 * NODE_EXTRA_CA_CERTS pointing at the server's certificate (TLS verification stays on).
 *
 * env: B24_WEBHOOK_URL (https://host:port/rest/<user>/<secret>)
 * stdout: one line `RESULT <json>` with what the SDK returned.
 */
import { B24Hook } from '@bitrix24/b24jssdk';

const b24 = B24Hook.fromWebhookUrl(process.env.B24_WEBHOOK_URL);
b24.offClientSideWarning();

const batch = await b24.actions.v2.batch.make({
  calls: {
    add: { method: 'booking.v1.waitlist.add', params: { fields: { note: 'from the SDK' } } },
    get: { method: 'booking.v1.waitlist.get', params: { id: '$result[add]' } },
    time: { method: 'server.time', params: {} },
  },
  options: { isHaltOnError: true, returnAjaxResult: true },
});

const commands = {};
if (batch.isSuccess) {
  for (const [key, ajax] of Object.entries(batch.getData())) {
    commands[key] = { isSuccess: ajax.isSuccess, result: ajax.getData()?.result };
  }
}

const list = await b24.actions.v2.callList.make({
  method: 'booking.v1.waitlist.list',
  params: {},
  idKey: 'id',
  customKeyForResult: 'waitList',
});

console.log(
  `RESULT ${JSON.stringify({
    batch: { isSuccess: batch.isSuccess, errors: batch.getErrorMessages(), commands },
    list: { isSuccess: list.isSuccess, errors: list.getErrorMessages(), items: list.getData() },
  })}`,
);
