import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, Observable } from '@apollo/client';
import { onError } from '@apollo/client/link/error';
import { setContext } from '@apollo/client/link/context';
import { freshAccessToken, loadSession, refreshSession, saveSession } from './session';
import { reportNetworkError, reportServerAnswered } from './connectivity';

/** Where an expired session sends the user: the login page, then back here. */
export function redirectToLogin(): void {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname === '/login') return;
  window.location.assign(`/login?next=${encodeURIComponent(here)}&expired=1`);
}

const authLink = setContext(async (_, { headers }) => {
  const token = await freshAccessToken();
  return { headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } };
});

const AUTH_CODES = new Set(['TOKEN_EXPIRED', 'UNAUTHENTICATED', 'TOKEN_INVALID']);

const errorLink = onError(({ graphQLErrors, networkError, operation, forward }) => {
  if (networkError && !('statusCode' in networkError)) {
    reportNetworkError();
    return;
  }
  const authError = graphQLErrors?.find((e) => AUTH_CODES.has(String(e.extensions?.code)));
  if (!authError || !loadSession()) return;
  // The token was refused: refresh once and retry; a refused refresh signs the user out.
  return new Observable((observer) => {
    refreshSession()
      .then((session) => {
        if (!session) {
          saveSession(null);
          redirectToLogin();
          observer.complete();
          return;
        }
        operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
          headers: { ...headers, Authorization: `Bearer ${session.accessToken}` },
        }));
        forward(operation).subscribe(observer);
      })
      .catch((error: unknown) => observer.error(error));
  });
});

const answeredLink = new ApolloLink((operation, forward) =>
  forward(operation).map((result) => {
    reportServerAnswered();
    return result;
  }),
);

export function makeClient(): ApolloClient<object> {
  return new ApolloClient({
    link: ApolloLink.from([errorLink, answeredLink, authLink, new HttpLink({ uri: '/graphql' })]),
    cache: new InMemoryCache({
      typePolicies: {
        Cart: { keyFields: [] },
        Query: { fields: { cart: { merge: true } } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
}
