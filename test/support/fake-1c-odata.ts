// A loopback stand-in for 1C:Enterprise's standard OData interface: `GET /<base>/odata/standard.odata/<EntitySet>`
// with `$format=json`, `$top`, `$skip`, `$orderby` (one field) and `$filter` (the `and` of `DeletionMark eq
// false` and `Date ge datetime'...'`), one element by `<EntitySet>(guid'...')`, HTTP Basic auth required, 1C's
// answer shapes (`odata.metadata` + `value`, `odata.error` with a message) and 404 for a set not published.
// Amounts go out as JSON numbers, as 1C writes Edm.Double. The tests build the entities.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, json, listenLoopback } from './fake-http.ts';

export type ODataValue = string | number | boolean | null | ODataValue[] | { [k: string]: ODataValue };
export type ODataEntity = Record<string, ODataValue>;

export interface Fake1C {
  /** The published base (`http://127.0.0.1:<port>/<base>`): the client adds `/odata/standard.odata/`. */
  baseUrl: string;
  /** Every request's decoded path and query, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFake1COData(opts: { entities: Record<string, ODataEntity[]>; user: string; password: string; base?: string }): Promise<Fake1C> {
  const base = opts.base ?? 'accounting';
  const root = `/${base}/odata/standard.odata/`;
  const requests: string[] = [];
  const expected = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64');
  const error = (res: ServerResponse, status: number, message: string) =>
    json(res, status, { 'odata.error': { code: '-1', message: { lang: 'ru', value: message } } });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    requests.push(`${path}${decodeURIComponent(url.search)}`);
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="1C"', 'content-type': 'text/plain' });
      res.end('401 Unauthorized');
      return;
    }
    if (req.method !== 'GET') return error(res, 405, 'only GET here');
    if (!path.startsWith(root)) return error(res, 404, `Не найден ресурс ${path}`);
    if (url.searchParams.get('$format') !== 'json') return error(res, 400, 'this fake answers JSON only: ask with $format=json');
    const rest = path.slice(root.length);
    const one = /^([^()/]+)\(guid'([0-9a-f-]{36})'\)$/i.exec(rest);
    const setName = one ? one[1]! : rest;
    const set = opts.entities[setName];
    if (!set) return error(res, 404, `Не найден ресурс '${setName}'`);
    const metadata = `http://127.0.0.1${root}$metadata#${setName}`;
    if (one) {
      const e = set.find((x) => x.Ref_Key === one[2]);
      if (!e) return error(res, 404, `Не найден объект ${setName} с ключом ${one[2]}`);
      return json(res, 200, { 'odata.metadata': `${metadata}/@Element`, ...e });
    }
    let rows = [...set];
    const filter = url.searchParams.get('$filter');
    if (filter) {
      for (const part of filter.split(/\s+and\s+/)) {
        let m: RegExpExecArray | null;
        if ((m = /^(\w+) eq (true|false)$/.exec(part))) { const [f, v] = [m[1]!, m[2] === 'true']; rows = rows.filter((r) => r[f] === v); }
        else if ((m = /^Date ge datetime'([^']+)'$/.exec(part))) { const since = m[1]!; rows = rows.filter((r) => typeof r.Date === 'string' && r.Date >= since); }
        else return error(res, 400, `this fake cannot filter by: ${part}`);
      }
    }
    const orderby = url.searchParams.get('$orderby');
    if (orderby) rows.sort((a, b) => String(a[orderby] ?? '').localeCompare(String(b[orderby] ?? '')));
    const skip = Number(url.searchParams.get('$skip') ?? 0), top = Number(url.searchParams.get('$top') ?? rows.length);
    return json(res, 200, { 'odata.metadata': metadata, value: rows.slice(skip, skip + top) });
  });
  const port = await listenLoopback(server);
  return { baseUrl: `http://127.0.0.1:${port}/${base}`, requests, close: () => closeServer(server, new Set()) };
}
