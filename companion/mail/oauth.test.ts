import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { refreshTokenSource, OAuthError } from './oauth.ts';

/** A token endpoint on loopback speaking RFC 6749 refresh_token grants. */
async function tokenEndpoint(): Promise<{ url: string; requests: URLSearchParams[]; close(): void }> {
  const requests: URLSearchParams[] = [];
  let n = 0;
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const c of req) body += String(c);
    const p = new URLSearchParams(body);
    requests.push(p);
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || p.get('grant_type') !== 'refresh_token' || p.get('refresh_token') !== 'good-refresh' || p.get('client_id') !== 'cid') {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: 'invalid_grant' }));
      return;
    }
    n++;
    res.end(JSON.stringify({ access_token: `access-${n}`, expires_in: 3600, token_type: 'Bearer' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/token`, requests, close: () => server.close() };
}

test('access tokens come from the refresh token, are reused until near expiry, then renewed', async () => {
  const ep = await tokenEndpoint();
  let now = 1_000_000;
  try {
    const src = refreshTokenSource({ tokenUrl: ep.url, clientId: 'cid', clientSecret: 'sec', refreshToken: 'good-refresh', now: () => now });
    assert.equal(await src.accessToken(), 'access-1');
    assert.equal(ep.requests[0]!.get('client_secret'), 'sec');
    now += 30 * 60_000;
    assert.equal(await src.accessToken(), 'access-1');
    now += 30 * 60_000;
    assert.equal(await src.accessToken(), 'access-2');
    src.invalidate();
    assert.equal(await src.accessToken(), 'access-3');
    assert.equal(ep.requests.length, 3);
  } finally {
    ep.close();
  }
});

test('a refused refresh names the error, not the token', async () => {
  const ep = await tokenEndpoint();
  try {
    const src = refreshTokenSource({ tokenUrl: ep.url, clientId: 'cid', refreshToken: 'revoked' });
    await assert.rejects(src.accessToken(), (e: Error) => e instanceof OAuthError && /invalid_grant/.test(e.message) && !e.message.includes('revoked'));
  } finally {
    ep.close();
  }
});
