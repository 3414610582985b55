import { lazy, type ComponentType } from 'react';
import { reportNetworkError, whenOnline } from './connectivity';

/**
 * A route's chunk, loaded on first visit. If the server is down then, the offline banner shows
 * and the page reloads once the server is back (a browser keeps a failed module import failed).
 */
export function lazyPage<T extends ComponentType<object>>(load: () => Promise<{ default: T }>) {
  return lazy(() =>
    load().catch(async () => {
      reportNetworkError();
      await whenOnline();
      window.location.reload();
      return new Promise<{ default: T }>(() => {});
    }),
  );
}
