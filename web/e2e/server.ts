// A real `yiwang serve` on a freshly migrated and seeded SQLite database in a temp folder.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, '.venv/bin/yiwang');
export const STATE_FILE = join(ROOT, 'web/test-results/.server.json');

export interface ServerState {
  dir: string;
  port: number;
  pid: number;
}

export function env(dir: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    YIWANG_DATABASE_URL: `sqlite+aiosqlite:///${join(dir, 'e2e.db')}`,
    YIWANG_MEDIA_DIR: join(dir, 'media'),
    YIWANG_DEBUG: '1',
    YIWANG_HOST: '127.0.0.1',
    YIWANG_PORT: String(port),
    YIWANG_LOG_LEVEL: 'WARNING',
  };
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

export function migrateAndSeed(dir: string, port: number): void {
  execFileSync(BIN, ['migrate'], { env: env(dir, port), cwd: ROOT, stdio: 'ignore' });
  execFileSync(BIN, ['seed', '--once'], { env: env(dir, port), cwd: ROOT, stdio: 'ignore' });
}

export async function startServer(dir: string, port: number): Promise<ServerState> {
  const log = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(BIN, ['serve'], { env: env(dir, port), cwd: ROOT, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  await waitHealthy(port, child.pid!);
  const state = { dir, port, pid: child.pid! };
  writeFileSync(STATE_FILE, JSON.stringify(state));
  return state;
}

async function waitHealthy(port: number, pid: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      throw new Error('yiwang serve exited before it was healthy');
    }
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`yiwang serve not healthy on ${port} after 90 s`);
}

export function readState(): ServerState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf-8')) as ServerState;
}

export async function stopServer(state: ServerState): Promise<void> {
  try {
    process.kill(-state.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(state.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(-state.pid, 'SIGKILL');
}
