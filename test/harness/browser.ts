// Real Chromium for tests: Debian's /usr/bin/chromium driven by playwright-core (no browser download),
// a static server on 127.0.0.1 for the files a page needs, and a guard that blocks and records every
// request to any other origin, so a test can prove that nothing left the machine.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.BORDE_CHROMIUM ?? '/usr/bin/chromium';

/** Launch flags that work on the project's Debian machines (see ENVIRONMENT.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Second line of defence behind the request guard: no host name resolves except the local server.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Extra flags for WebGPU on SwiftShader (software; correct but slow). */
export const WEBGPU_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--use-gl=angle',
  '--ignore-gpu-blocklist',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The root folder of an installed package, resolved from `fromUrl` (pass import.meta.url). */
export function packageDir(packageName: string, fromUrl: string): string {
  const require = createRequire(fromUrl);
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    // Packages with an "exports" map that hides package.json: walk up from the main entry.
    let dir = dirname(require.resolve(packageName));
    while (!dir.endsWith(`${sep}${packageName.split('/').join(sep)}`)) {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`cannot find the folder of package ${packageName}`);
      dir = parent;
    }
    return dir;
  }
}

export interface StaticServerOptions {
  /** URL prefix (e.g. '/tfjs/') -> folder on disk. The longest matching prefix wins. */
  readonly routes: Readonly<Record<string, string>>;
  /** Send COOP/COEP so pages are crossOriginIsolated (needed for wasm threads). */
  readonly crossOriginIsolated?: boolean;
  /** Headers added to every response. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly origin: string;
  /** Serves `body` at `path` (e.g. '/models/a.tflite') from memory, ahead of the routes. */
  put(path: string, body: Uint8Array | string): void;
  /** Stops serving a path given to `put`. */
  remove(path: string): void;
  /** Paths requested that had no file (a missing .wasm shows up here first). */
  readonly notFound: readonly string[];
  /** Every path requested, in order. */
  readonly requested: readonly string[];
  close(): Promise<void>;
}

/** A static file server on 127.0.0.1 and a random free port. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const routes = Object.entries(options.routes)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const memory = new Map<string, Uint8Array | string>();
  const notFound: string[] = [];
  const requested: string[] = [];
  const baseHeaders: Record<string, string> = { 'Cache-Control': 'no-store', ...options.headers };
  if (options.crossOriginIsolated) {
    baseHeaders['Cross-Origin-Opener-Policy'] = 'same-origin';
    baseHeaders['Cross-Origin-Embedder-Policy'] = 'require-corp';
    baseHeaders['Cross-Origin-Resource-Policy'] = 'same-origin';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, baseHeaders).end('bad path');
      return;
    }
    requested.push(path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, baseHeaders).end();
      return;
    }
    const inMemory = memory.get(path);
    if (inMemory !== undefined) {
      res.writeHead(200, { ...baseHeaders, 'Content-Type': mimeType(path), 'Content-Length': Buffer.byteLength(inMemory) });
      res.end(req.method === 'HEAD' ? undefined : inMemory);
      return;
    }
    const file = resolveFile(path);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      notFound.push(path);
      res.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { ...baseHeaders, 'Content-Type': mimeType(file), 'Content-Length': info.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  }

  function resolveFile(path: string): string | undefined {
    for (const [prefix, dir] of routes) {
      if (!path.startsWith(prefix) && `${path}/` !== prefix) continue;
      let rest = path.slice(prefix.length);
      if (rest === '' || rest.endsWith('/')) rest += 'index.html';
      const file = resolve(join(dir, rest));
      // No escaping the folder with '..'.
      return file === dir || file.startsWith(dir + sep) ? file : undefined;
    }
    return undefined;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, baseHeaders);
      res.end(String(error));
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    put(path, body) {
      memory.set(path.startsWith('/') ? path : `/${path}`, body);
    },
    remove(path) {
      memory.delete(path.startsWith('/') ? path : `/${path}`);
    },
    notFound,
    requested,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export interface BrowserOptions extends StaticServerOptions {
  /** Add the SwiftShader WebGPU flags. */
  readonly webgpu?: boolean;
  /** More Chromium flags. */
  readonly args?: readonly string[];
}

export interface BrowserSession {
  readonly server: StaticServer;
  readonly context: BrowserContext;
  /** A first page, already open (about:blank). */
  readonly page: Page;
  /** URLs of requests to any origin other than the local server; all were aborted. Assert it is empty. */
  readonly outsideRequests: readonly string[];
  /** Uncaught page errors and console errors, for diagnosis. */
  readonly pageErrors: readonly string[];
  /** Every console message of every page, in order (Emscripten builds log to console.warn). */
  readonly consoleMessages: readonly { readonly type: string; readonly text: string }[];
  /** Full URL of `path` on the local server. */
  url(path: string): string;
  close(): Promise<void>;
}

/**
 * Starts the static server and Chromium with a fresh profile. Every request that does not go to the
 * local server is aborted and recorded in `outsideRequests`.
 */
export async function launchBrowser(options: BrowserOptions): Promise<BrowserSession> {
  const server = await startStaticServer(options);
  const userDataDir = await mkdtemp(join(tmpdir(), 'borde-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.webgpu ? WEBGPU_ARGS : []), ...(options.args ?? [])],
    });
  } catch (error) {
    await server.close();
    await rm(userDataDir, { recursive: true, force: true });
    throw new Error(
      `could not start Chromium at ${CHROMIUM_PATH} (install it with \`apt-get install -y chromium\`, ` +
        `or set BORDE_CHROMIUM): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const outsideRequests: string[] = [];
  const pageErrors: string[] = [];
  const consoleMessages: { type: string; text: string }[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${server.origin}/`) || url === server.origin) return route.continue();
    outsideRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const watch = (page: Page) => {
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      consoleMessages.push({ type: message.type(), text: message.text() });
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
  };
  const existing = context.pages()[0];
  if (existing) watch(existing);
  context.on('page', watch);
  const page = existing ?? (await context.newPage());

  return {
    server,
    context,
    page,
    outsideRequests,
    pageErrors,
    consoleMessages,
    url: (path) => `${server.origin}${path.startsWith('/') ? path : `/${path}`}`,
    async close() {
      await context.close().catch(() => undefined);
      await server.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
