/**
 * Who is signed in, as a small external store the React tree subscribes to. Two kinds: local
 * (an email form that asks the local runtime for a token) and Cognito (the hosted UI,
 * authorization code + PKCE). Tokens live in memory and sessionStorage, never localStorage:
 * a sign-in survives a reload of the tab, not the closing of it.
 */
export type AuthState = { status: 'signed-in'; email: string } | { status: 'signed-out' };

export interface Auth {
  readonly kind: 'local' | 'cognito';
  getSnapshot(): AuthState;
  subscribe(listener: () => void): () => void;
  /** The bearer token (the ID token), or null when signed out. */
  token(): Promise<string | null>;
  /** Local sign-in with an email address. */
  signInWithEmail?(email: string): Promise<void>;
  /** Cognito sign-in: leaves the page for the hosted UI, coming back to `returnTo`. */
  signInRedirect?(returnTo: string): Promise<void>;
  signOut(): Promise<void>;
  /** The API refused the token: forget it, so that the app asks to sign in again. */
  rejected(): void;
}

/** A tiny observable value for the Auth implementations. */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}
  get(): T {
    return this.value;
  }
  set(value: T): void {
    this.value = value;
    for (const listener of this.listeners) listener();
  }
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Where to go after signing in: only a path of this app (`/invite?token=…`), never another
 * origin (`//evil.example`, `https://…`).
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
