/**
 * The web app's build (`npm run build:web` → web/dist) and dev server (`npm run dev:web`).
 *
 * The app reads `/config.json` at boot. The built app ships none: whoever serves it writes one
 * (the local runtime, the CDK app). The dev server answers it itself, pointing the app at its
 * own origin, and proxies the API to `API_URL` (default http://127.0.0.1:3000) so that no CORS
 * is needed while developing.
 */
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const API_PATHS = ['/sessions', '/invitations', '/currencies', '/me', '/dev'];

function devConfigJson(): Plugin {
  return {
    name: 'backchannel-dev-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (req, res) => {
        const origin = `http://${req.headers.host ?? '127.0.0.1:5173'}`;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ apiUrl: origin, signIn: 'local' }));
      });
    },
  };
}

const apiTarget = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), devConfigJson()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    proxy: Object.fromEntries(
      API_PATHS.map((path) => [
        path,
        {
          target: apiTarget,
          // A page load of /sessions/<id> or /invite is the app's, not the API's.
          bypass: (req: { headers: { accept?: string } }) =>
            req.headers.accept?.includes('text/html') ? '/index.html' : undefined,
        },
      ]),
    ),
  },
});
