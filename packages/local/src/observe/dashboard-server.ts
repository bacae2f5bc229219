import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen, type Listening } from '../http-listen.js';
import type { BatchProgress } from './recent-batches.js';
import type { Observer } from './observer.js';

const PAGE_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
/** uPlot's browser build and stylesheet, served from node_modules: the page needs no CDN and works offline. */
export const UPLOT_DIST = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: join(PAGE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/dashboard.js': { path: join(PAGE_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { path: join(PAGE_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { path: join(UPLOT_DIST, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { path: join(UPLOT_DIST, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

export type DashboardServer = Listening;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * The local dashboard: the page and its assets, `state.json` (widgets with their data, alarm states,
 * requests per key, recent batches), and `alarms.json`, the stack's alarms with their states as
 * `{"alarms": [{"name", "state", "since"}]}` (503 while the stack's template is being synthesized).
 */
export async function startDashboardServer(options: { host: string; port: number; observer: Observer; batches(): Promise<BatchProgress[]> }): Promise<DashboardServer> {
  const { observer } = options;
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const file = FILES[pathname];
    void (async () => {
      if (request.method !== 'GET') return json(response, 405, { error: 'only GET' });
      if (file) {
        const body = await readFile(file.path);
        response.writeHead(200, { 'content-type': file.type });
        return response.end(body);
      }
      if (pathname === '/alarms.json') {
        const alarms = observer.alarms();
        if (!alarms) return json(response, 503, { alarms: [], pending: observer.state().pending });
        return json(response, 200, { alarms: alarms.map(({ name, state, since }) => ({ name, state, since })) });
      }
      if (pathname === '/state.json') {
        const batches = await options.batches().catch((error: unknown) => ({ error: (error as Error).message }));
        return json(response, 200, { ...observer.state(), batches });
      }
      json(response, 404, { error: `no ${pathname} here` });
    })().catch((error: unknown) => json(response, 500, { error: (error as Error).message }));
  });
  return listen(server, options.host, options.port);
}
