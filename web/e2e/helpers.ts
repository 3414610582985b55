import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ROOT } from './server';

export const PASSWORD = 'demo1234';
/** The demo logins of the suppliers whose offers the purchaser sees (README, seed/users.py). */
export const SUPPLIER_LOGIN: Record<string, string> = {
  丽水市华信办公设备有限公司: 'supplier',
  北京京东世纪贸易有限公司: 'jd',
  苏宁易购集团股份有限公司: 'suning',
  常州市天宁区明达电脑经营部: 'supplier2',
};

export function baseURL(): string {
  const url = process.env.YIWANG_E2E_BASE_URL;
  if (!url) throw new Error('YIWANG_E2E_BASE_URL is not set (global setup did not run)');
  return url;
}

/** The GraphQL API as another party (supplier) or for checking what the API holds. */
export async function gql<T = Record<string, unknown>>(query: string, variables: object = {}, token?: string): Promise<T> {
  const response = await fetch(`${baseURL()}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function apiLogin(username: string): Promise<string> {
  const data = await gql<{ login: { tokens: { accessToken: string } | null; errors: unknown[] } }>(
    'mutation($i: LoginInput!) { login(input: $i) { tokens { accessToken } errors { code message } } }',
    { i: { username, password: PASSWORD } },
  );
  if (!data.login.tokens) throw new Error(`login ${username}: ${JSON.stringify(data.login.errors)}`);
  return data.login.tokens.accessToken;
}

/** Mutation payloads carry `errors`; a step in the story must have none. */
export async function mutate(token: string, query: string, variables: object): Promise<Record<string, { errors: unknown[] } & Record<string, unknown>>> {
  const data = await gql<Record<string, { errors: unknown[] } & Record<string, unknown>>>(query, variables, token);
  for (const [name, payload] of Object.entries(data)) {
    expect(payload.errors, `${name} errors`).toEqual([]);
  }
  return data;
}

export async function loginInPage(page: Page, username = 'purchaser'): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** axe-core on the page as it stands: no serious or critical violations. */
export async function checkA11y(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`),
    `accessibility of ${name}`,
  ).toEqual([]);
}

export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ROOT, 'web/test-results/screenshots', `${name}.png`), fullPage: true });
}

/** Screenshot and accessibility check of a page, once it has settled. */
export async function review(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await snap(page, name);
  await checkA11y(page, name);
}
