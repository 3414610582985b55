import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, migrateAndSeed, ROOT, startServer } from './server';

export default async function globalSetup(): Promise<void> {
  mkdirSync(join(ROOT, 'web/test-results/screenshots'), { recursive: true });
  if (process.env.YIWANG_E2E_BASE_URL) return; // an already running server (timings at scale)
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-e2e-'));
  const port = await freePort();
  migrateAndSeed(dir, port);
  await startServer(dir, port);
  process.env.YIWANG_E2E_BASE_URL = `http://127.0.0.1:${port}`;
}
