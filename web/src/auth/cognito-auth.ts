/**
 * Cognito sign-in through the hosted UI: authorization code + PKCE with oidc-client-ts, the
 * user (and so the ID token, the API's bearer token) kept in sessionStorage. Loaded only when
 * /config.json says `"signIn": "cognito"`, so the local build's first screen does not pay for it.
 */
import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { AppConfig } from '../config/config';
import { type Auth, type AuthState, Observable, safeReturnTo } from './auth';

type CognitoConfig = Extract<AppConfig, { signIn: 'cognito' }>;

const origin = (domain: string) =>
  (/^https?:\/\//.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, '');

function stateOf(user: User | null): AuthState {
  const email = user && !user.expired ? user.profile.email : undefined;
  return email ? { status: 'signed-in', email } : { status: 'signed-out' };
}

export async function createCognitoAuth(config: CognitoConfig): Promise<Auth> {
  const hostedUi = origin(config.authDomain);
  const appOrigin = new URL(config.redirectUri).origin;
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  const manager = new UserManager({
    authority: `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`,
    client_id: config.userPoolClientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: 'openid email',
    userStore: store,
    stateStore: store,
    automaticSilentRenew: true,
    // Cognito's discovery document names no end-session endpoint: its hosted UI logs out here.
    metadataSeed: { end_session_endpoint: `${hostedUi}/logout` },
  });

  // Coming back from the hosted UI: finish the code exchange, then go where sign-in started.
  const callbackPath = new URL(config.redirectUri).pathname;
  const params = new URLSearchParams(window.location.search);
  if (window.location.pathname === callbackPath && (params.has('code') || params.has('error'))) {
    let returnTo = '/';
    try {
      const user = await manager.signinRedirectCallback();
      returnTo = safeReturnTo((user.state as { returnTo?: string } | undefined)?.returnTo);
    } catch {
      returnTo = '/sign-in?failed=1';
    }
    window.history.replaceState(null, '', returnTo);
  }

  const state = new Observable<AuthState>(stateOf(await manager.getUser()));
  manager.events.addUserLoaded((user) => state.set(stateOf(user)));
  manager.events.addUserUnloaded(() => state.set({ status: 'signed-out' }));
  manager.events.addAccessTokenExpired(() => state.set({ status: 'signed-out' }));

  return {
    kind: 'cognito',
    getSnapshot: () => state.get(),
    subscribe: (listener) => state.subscribe(listener),
    async token() {
      const user = await manager.getUser();
      return user && !user.expired ? (user.id_token ?? null) : null;
    },
    async signInRedirect(returnTo: string) {
      await manager.signinRedirect({ state: { returnTo: safeReturnTo(returnTo) } });
    },
    async signOut() {
      await manager.removeUser();
      // Cognito's logout takes client_id and logout_uri (a sign-out URL of the app client).
      await manager.signoutRedirect({
        extraQueryParams: { client_id: config.userPoolClientId, logout_uri: `${appOrigin}/` },
      });
    },
    rejected: () => void manager.removeUser(),
  };
}
