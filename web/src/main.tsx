/**
 * Boot: read /config.json, set up sign-in (local or Cognito), the typed API client and the
 * query cache, then render. A broken configuration is shown as a sentence.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/client';
import { App, createQueryClient } from './app/App';
import type { Auth } from './auth/auth';
import { createLocalAuth } from './auth/local-auth';
import { type AppConfig, loadConfig } from './config/config';
import './styles.css';

async function createAuth(config: AppConfig): Promise<Auth> {
  if (config.signIn === 'local') return createLocalAuth(config.apiUrl);
  const { createCognitoAuth } = await import('./auth/cognito-auth');
  return createCognitoAuth(config);
}

const root = createRoot(document.getElementById('root') as HTMLElement);
try {
  const config = await loadConfig();
  const auth = await createAuth(config);
  const api = createApi(config.apiUrl, { token: () => auth.token(), rejected: () => auth.rejected() });
  root.render(
    <StrictMode>
      <App api={api} auth={auth} queryClient={createQueryClient()} />
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main id="main">
      <h1>Backchannel could not start</h1>
      <p role="alert">{error instanceof Error ? error.message : 'The configuration could not be read.'}</p>
    </main>,
  );
}
