// The signed-in session: tokens in localStorage, refreshed with a plain fetch (never through
// Apollo, so a refresh cannot wait on itself). One refresh at a time; every caller awaits it.
const KEY = 'yiwang.session';
const REFRESH_MARGIN_MS = 30_000;

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  username: string;
  role: string;
}

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function expiresSoon(session: Session, now = Date.now()): boolean {
  return new Date(session.accessTokenExpiresAt).getTime() - now < REFRESH_MARGIN_MS;
}

let inFlight: Promise<Session | null> | null = null;

/** Trades the refresh token for new tokens; null (and signed out) when the server refuses. */
export function refreshSession(): Promise<Session | null> {
  inFlight ??= doRefresh().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

const REFRESH = `mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { tokens { accessToken accessTokenExpiresAt refreshToken } errors { code message } }
}`;

async function doRefresh(): Promise<Session | null> {
  const current = loadSession();
  if (!current) return null;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: REFRESH, variables: { input: { refreshToken: current.refreshToken } } }),
  });
  const body = (await response.json()) as {
    data?: { refreshToken: { tokens: Omit<Session, 'username' | 'role'> | null } };
  };
  const tokens = body.data?.refreshToken.tokens;
  if (!tokens) {
    saveSession(null);
    return null;
  }
  const next = { ...current, ...tokens };
  saveSession(next);
  return next;
}

/** A valid access token, refreshed first when it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const session = loadSession();
  if (!session) return null;
  if (!expiresSoon(session)) return session.accessToken;
  try {
    return (await refreshSession())?.accessToken ?? null;
  } catch {
    return session.accessToken; // offline: let the request fail as a network error
  }
}
