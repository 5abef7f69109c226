// XOAUTH2 for Gmail and Microsoft 365: an access token lives about an hour, so it is fetched with the
// refresh token (RFC 6749 §6) when missing or near expiry, kept in memory only, never written anywhere.

export interface TokenSource {
  accessToken(): Promise<string>;
  /** Forget the cached token (the server refused it). */
  invalidate(): void;
}

export class OAuthError extends Error {}

export interface RefreshConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export function refreshTokenSource(cfg: RefreshConfig): TokenSource {
  const now = cfg.now ?? Date.now;
  let cached: { token: string; expires: number } | undefined;
  return {
    async accessToken() {
      // Renew a minute early so a token never expires between LOGIN and the first command.
      if (cached && cached.expires - 60_000 > now()) return cached.token;
      const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cfg.refreshToken, client_id: cfg.clientId });
      if (cfg.clientSecret) body.set('client_secret', cfg.clientSecret);
      let res: Response;
      try {
        res = await fetch(cfg.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        throw new OAuthError(`token endpoint ${new URL(cfg.tokenUrl).host} unreachable: ${(e as Error).message}`);
      }
      const text = await res.text();
      let data: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
      try {
        data = JSON.parse(text) as typeof data;
      } catch {
        throw new OAuthError(`token endpoint answered ${res.status} without JSON`);
      }
      if (!res.ok || typeof data.access_token !== 'string') {
        // The error code is safe to show; the body could echo secrets, so it is not logged.
        throw new OAuthError(`token refresh refused (${res.status} ${typeof data.error === 'string' ? data.error : 'no access_token'})`);
      }
      const ttl = typeof data.expires_in === 'number' ? data.expires_in : Number(data.expires_in ?? 3600) || 3600;
      cached = { token: data.access_token, expires: now() + ttl * 1000 };
      return cached.token;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
