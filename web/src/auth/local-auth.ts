import { requestDevToken } from '../api/dev-token';
import { type Auth, type AuthState, Observable } from './auth';

const STORAGE_KEY = 'backchannel.local-sign-in';

interface Stored {
  email: string;
  token: string;
}

function read(storage: Storage): Stored | null {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Stored> | null;
    return value && typeof value.email === 'string' && typeof value.token === 'string'
      ? { email: value.email, token: value.token }
      : null;
  } catch {
    return null;
  }
}

/** Local sign-in: the local runtime's `/dev/token`, the token kept in sessionStorage. */
export function createLocalAuth(apiUrl: string, storage: Storage = window.sessionStorage): Auth {
  const initial = read(storage);
  let token = initial?.token ?? null;
  const state = new Observable<AuthState>(
    initial ? { status: 'signed-in', email: initial.email } : { status: 'signed-out' },
  );
  const forget = () => {
    token = null;
    storage.removeItem(STORAGE_KEY);
    if (state.get().status !== 'signed-out') state.set({ status: 'signed-out' });
  };
  return {
    kind: 'local',
    getSnapshot: () => state.get(),
    subscribe: (listener) => state.subscribe(listener),
    token: async () => token,
    async signInWithEmail(email: string) {
      const address = email.trim().toLowerCase();
      token = await requestDevToken(apiUrl, address);
      storage.setItem(STORAGE_KEY, JSON.stringify({ email: address, token } satisfies Stored));
      state.set({ status: 'signed-in', email: address });
    },
    signOut: async () => forget(),
    rejected: forget,
  };
}
