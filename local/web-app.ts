/**
 * The web app as `npm start` serves it: the files of the built app (`web/dist`) on a port of its
 * own, as CloudFront serves them on AWS.
 *
 * - `GET /config.json` is generated, not read from the folder: `{"apiUrl": <the local API>,
 *   "signIn": "local"}` (sign-in through `POST /dev/token`).
 * - A file of the folder is served with its content type; `index.html` and `config.json` with
 *   `cache-control: no-store`, Vite's hashed `assets/` for a year, anything else `no-cache`.
 * - An unknown path without a file extension (`/sessions/abc`, `/invite`) gets `index.html`: the
 *   app routes in the browser (SPA fallback). An unknown path with one (`/logo.png`) is a 404.
 * - Without a built app (no `index.html`), every page says so and how to build it.
 *
 * The folder is read on every request, so a rebuild while the runtime runs is served at once.
 */
import { createReadStream, type Stats, statSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export interface WebAppConfig {
  apiUrl: string;
  signIn: 'local';
}

export interface WebAppOptions {
  /** The built app (default `web/dist` in the repository). */
  distDir: string;
  /** What `GET /config.json` answers (or how to work it out from the request). */
  config: WebAppConfig | ((req: IncomingMessage) => WebAppConfig);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backchannel: web app not built</title></head>
<body><main><h1>The web app is not built</h1>
<p>The API runs. To use the web app, build it with <code>npm run build:web</code> (or restart
<code>npm start</code>, which builds it when <code>web/dist</code> is missing), or run
<code>npm run dev:web</code> for Vite's dev server.</p></main></body></html>
`;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function fileAt(path: string): Stats | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | { path: string; size: number },
) {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.size;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': String(length) });
  if (req.method === 'HEAD') {
    res.end();
  } else if (typeof body === 'string') {
    res.end(body);
  } else {
    createReadStream(body.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}

const cacheControl = (relative: string) =>
  relative === 'index.html'
    ? 'no-store'
    : relative.startsWith(`assets${sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache';

/** A request listener serving the web app. */
export function createWebApp(options: WebAppOptions): RequestListener {
  const root = normalize(options.distDir);
  const config = (req: IncomingMessage) =>
    JSON.stringify(typeof options.config === 'function' ? options.config(req) : options.config);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(
        req,
        res,
        405,
        { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
        'Method Not Allowed\n',
      );
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      send(req, res, 400, { 'content-type': 'text/plain; charset=utf-8' }, 'Bad Request\n');
      return;
    }
    if (path === '/config.json') {
      send(
        req,
        res,
        200,
        { 'content-type': CONTENT_TYPES['.json'] as string, 'cache-control': 'no-store' },
        config(req),
      );
      return;
    }
    const index = fileAt(join(root, 'index.html'));
    // normalize() resolves `..`; anything that would leave the folder is not in it.
    const relative = normalize(path).replace(/^[/\\]+/, '');
    const target = join(root, relative);
    const inside = target === root || target.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
    const file = inside && relative !== '' && !relative.includes('\0') ? fileAt(target) : undefined;
    if (file) {
      const type = CONTENT_TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream';
      send(
        req,
        res,
        200,
        { 'content-type': type, 'cache-control': cacheControl(relative) },
        { path: target, size: file.size },
      );
      return;
    }
    if (extname(path) !== '' && path !== '/index.html') {
      send(
        req,
        res,
        404,
        { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' },
        'Not Found\n',
      );
      return;
    }
    if (!index) {
      send(
        req,
        res,
        503,
        { 'content-type': CONTENT_TYPES['.html'] as string, 'cache-control': 'no-store' },
        NOT_BUILT,
      );
      return;
    }
    send(
      req,
      res,
      200,
      { 'content-type': CONTENT_TYPES['.html'] as string, 'cache-control': 'no-store' },
      { path: join(root, 'index.html'), size: index.size },
    );
  };
}
