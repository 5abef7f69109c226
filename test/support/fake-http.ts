// What the fake model servers share: loopback HTTP plumbing, so each fake holds only its protocol.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
}

/** Runs `send` after `delayMs` (a slow model), dropped when the client hangs up first. */
export function replyAfter(req: IncomingMessage, timers: Set<NodeJS.Timeout>, delayMs: number, send: () => void): void {
  if (delayMs <= 0) return send();
  const t = setTimeout(() => {
    timers.delete(t);
    send();
  }, delayMs);
  timers.add(t);
  req.socket.on('close', () => clearTimeout(t));
}

/** Listens on 127.0.0.1 at a free port and returns it. */
export async function listenLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const t of timers) clearTimeout(t);
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
