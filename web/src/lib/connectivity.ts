// Whether the server answers: set on a network error, cleared when /healthz answers again.
type Listener = (offline: boolean) => void;
const listeners = new Set<Listener>();
let offline = false;
let timer: ReturnType<typeof setTimeout> | null = null;
const PROBE_MS = 2000;

export function isOffline(): boolean {
  return offline;
}

export function onConnectivity(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function set(value: boolean): void {
  if (offline === value) return;
  offline = value;
  for (const listener of listeners) listener(value);
}

export function reportNetworkError(): void {
  set(true);
  timer ??= setTimeout(probe, PROBE_MS);
}

export function reportServerAnswered(): void {
  set(false);
}

async function probe(): Promise<void> {
  timer = null;
  try {
    const response = await fetch('/healthz', { cache: 'no-store' });
    if (response.ok) {
      set(false);
      return;
    }
  } catch {
    // still down
  }
  timer = setTimeout(probe, PROBE_MS);
}

/** Resolves once the server answers again (at once when it is not known to be down). */
export function whenOnline(): Promise<void> {
  if (!offline) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = onConnectivity((down) => {
      if (!down) {
        stop();
        resolve();
      }
    });
  });
}
