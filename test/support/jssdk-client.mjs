/**
 * The official SDK as an integration runs it, in a process of its own so that the server's
 * certificate is trusted the ordinary way (NODE_EXTRA_CA_CERTS), not by switching checks off.
 *
 *   node jssdk-client.mjs <webhook URL> '<JSON array of {method, params}>' ['<JSON restriction params>']
 *
 * Calls run in order through `B24Hook.fromWebhookUrl(url).actions.v2.call.make(...)`. A string
 * parameter value `$result[N]` is replaced by the result of call N, as in a Bitrix batch.
 * Prints one line `RESULT <json>`: `{tlsVerify, calls: [{result} | {error: {name, code, status, message}}]}`.
 */
import { B24Hook } from '@bitrix24/b24jssdk';

const [url, callsJson, restrictionJson] = process.argv.slice(2);
const calls = JSON.parse(callsJson ?? '[]');
const results = [];

function resolveRefs(value) {
  if (typeof value === 'string') {
    const ref = /^\$result\[(\d+)\]$/.exec(value);
    return ref ? results[Number(ref[1])]?.result : value;
  }
  if (Array.isArray(value)) return value.map(resolveRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v)]));
  }
  return value;
}

// One attempt a call unless told otherwise: a refused certificate must fail at once, not after
// the SDK's retries. A test of the SDK's own back-off gives its retries back.
const restrictionParams = { maxRetries: 1, retryOnNetworkError: false, ...JSON.parse(restrictionJson ?? '{}') };
const b24 = B24Hook.fromWebhookUrl(url, { restrictionParams });
b24.offClientSideWarning();

for (const { method, params } of calls) {
  try {
    const reply = await b24.actions.v2.call.make({ method, params: resolveRefs(params ?? {}) });
    if (reply.isSuccess) {
      results.push({ result: reply.getData().result });
    } else {
      results.push({ error: { name: 'AjaxResult', messages: reply.getErrorMessages() } });
    }
  } catch (error) {
    results.push({
      error: { name: error?.name, code: error?.code, status: error?.status, message: error?.message },
    });
  }
}

process.stdout.write(
  `RESULT ${JSON.stringify({ tlsVerify: process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0', calls: results })}\n`,
);
