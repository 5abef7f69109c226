// The loopback server the Chromium tests load the double from: a page, the harness and the built
// main.js, and a file API over the vault folder (token required, paths kept inside the vault).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { nodeAdapter } from './node.ts';

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** The page's theme: the CSS variables Obsidian's themes define that the plugin's styles use. */
const THEME = `body{margin:0;font:14px system-ui,sans-serif;background:var(--background-primary);color:var(--text-normal);
--background-primary:#fff;--background-secondary:#f6f6f6;--background-modifier-border:#ddd;--text-normal:#222;--text-muted:#666;
--text-error:#c62828;--text-accent:#6a4fd6;--interactive-accent:#6a4fd6;--radius-m:6px;--size-4-1:4px;--size-4-2:8px;--size-4-3:12px;
--font-ui-small:12px;--font-semibold:600}
.app-container{display:grid;grid-template-columns:40px 1fr 420px;grid-template-rows:1fr 28px;height:100vh}
.side-dock-ribbon{grid-row:1/3;background:var(--background-secondary)}.workspace{display:contents}
.mod-root{overflow:auto;padding:8px}.mod-right-split{overflow:auto;border-left:1px solid var(--background-modifier-border);padding:8px}
.status-bar{grid-column:2/4;display:flex;gap:12px;justify-content:flex-end;padding:4px 12px;background:var(--background-secondary);font-size:12px}
.modal-container{position:fixed;inset:0;display:flex;align-items:flex-start;justify-content:center;padding-top:80px}
.modal-bg{position:absolute;inset:0;background:#0004}.modal{position:relative;background:#fff;border-radius:8px;padding:16px;min-width:420px}
.suggestion-item{padding:6px 8px}.suggestion-item.is-selected{background:#eee}.prompt-input{width:100%;font-size:16px}
.notice-container{position:fixed;top:8px;right:8px}.notice{background:#333;color:#fff;padding:8px 12px;margin:4px;border-radius:6px}
.setting-item{display:flex;justify-content:space-between;gap:12px;padding:6px 0;border-top:1px solid var(--background-modifier-border)}
.setting-item-heading{font-weight:600}.setting-item-description{color:var(--text-muted);font-size:12px}
.checkbox-container{width:36px;height:18px;border-radius:9px;background:#ccc}.checkbox-container.is-enabled{background:var(--interactive-accent)}
.aios-queue-item.is-selected{outline:2px solid var(--interactive-accent)}`;

function inside(path: string | null): string {
  if (!path || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '') || path.includes('\\')) throw new Error(`bad path ${String(path)}`);
  return path;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves `vaultDir` with the plugin bundle at `mainJs` and its `manifest.json` and `styles.css`. */
export async function serveVault(vaultDir: string, plugin: { mainJs: string; manifest: string; styles: string }, opts: { benchVault?: () => Record<string, string> } = {}): Promise<Served> {
  const token = randomBytes(16).toString('hex');
  const harness = await build({ entryPoints: [new URL('./browser.ts', import.meta.url).pathname], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'silent' });
  const harnessJs = harness.outputFiles[0]!.text;
  const disk = nodeAdapter(vaultDir);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if ((url.searchParams.get('token') ?? req.headers['x-aios-token']) !== token) {
        res.writeHead(403).end('token required');
        return;
      }
      const send = (type: string, data: string) => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(data);
      try {
        switch (url.pathname) {
          case '/':
            return send('text/html; charset=utf-8', `<!doctype html><html><head><meta charset="utf-8"><style>${THEME}</style><style>${readFileSync(plugin.styles, 'utf8')}</style></head><body><script src="/harness.js?token=${token}"></script></body></html>`);
          case '/harness.js':
            return send('text/javascript', harnessJs);
          case '/main.js':
            return send('text/javascript', readFileSync(plugin.mainJs, 'utf8'));
          case '/manifest.json':
            return send('application/json', readFileSync(plugin.manifest, 'utf8'));
          case '/api/bench-vault':
            return send('application/json', JSON.stringify(opts.benchVault?.() ?? {}));
          case '/api/list':
            return send('application/json', JSON.stringify(await disk.list()));
          case '/api/read':
            return send('text/plain; charset=utf-8', await disk.read(inside(url.searchParams.get('path'))));
          case '/api/write':
            return send('application/json', JSON.stringify(await disk.write(inside(url.searchParams.get('path')), await body(req))));
          case '/api/remove':
            await disk.remove(inside(url.searchParams.get('path')));
            return send('text/plain', 'ok');
          case '/api/rename':
            await disk.rename(inside(url.searchParams.get('from')), inside(url.searchParams.get('to')));
            return send('text/plain', 'ok');
          default:
            res.writeHead(404).end('not found');
        }
      } catch (e) {
        res.writeHead(400).end((e as Error).message);
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
