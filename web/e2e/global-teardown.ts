import { existsSync, rmSync } from 'node:fs';
import { readState, STATE_FILE, stopServer } from './server';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const state = readState();
  await stopServer(state);
  rmSync(STATE_FILE);
  rmSync(state.dir, { recursive: true, force: true });
}
