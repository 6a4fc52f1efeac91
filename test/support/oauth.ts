/** An OAuth access token for tests: a local application, approved with the admin token, code exchanged. */
import { registerApp } from '../../src/oauth/grants.js';
import type { TestServer } from './server.js';

export async function accessTokenFor(
  srv: TestServer,
  scopes: string[] = ['booking', 'crm'],
): Promise<{ accessToken: string; refreshToken: string }> {
  const app = await registerApp(
    srv.server.store,
    { name: 'Test app', scopes, handlerUrl: 'https://app.example.com/handler/' },
    srv.server.clock.now(),
  );
  const approval = await fetch(`${srv.url}/oauth/authorize/?client_id=${app.client_id}&state=s`, {
    headers: { authorization: `Bearer ${srv.server.adminToken}` },
    redirect: 'manual',
  });
  const code = new URL(approval.headers.get('location') as string).searchParams.get('code') as string;
  const grant = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: app.client_id,
    client_secret: app.client_secret,
    code,
  });
  const body = (await (await fetch(`${srv.url}/oauth/token/?${grant}`)).json()) as Record<string, string>;
  return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}
