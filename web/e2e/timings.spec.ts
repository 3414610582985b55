// Run on demand, not in CI: `YIWANG_E2E_TIMINGS=1 npx playwright test e2e/timings.spec.ts`
// (against the seeded server the global setup starts, or YIWANG_E2E_BASE_URL for a bigger one).
import { expect, test } from '@playwright/test';
import { apiLogin, gql, loginInPage } from './helpers';

const TRIES = Number(process.env.YIWANG_E2E_TRIES ?? 50);
const QUERIES = ['联想 台式机', '打印机', '办公椅', 'lianxiang', '硒鼓', '文件柜', '华为', '显示器'];

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `${name}: n=${sorted.length} p50=${at(0.5).toFixed(0)} ms p95=${at(0.95).toFixed(0)} ms max=${sorted[sorted.length - 1].toFixed(0)} ms`;
}

test('search: Enter to results painted; product page load', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  await page.goto('/login');
  await loginInPage(page);
  await expect(page.getByRole('heading', { name: /欢迎/ })).toBeVisible();

  const search: number[] = [];
  await page.goto('/search');
  const box = page.getByRole('searchbox', { name: '搜索商品' });
  for (let i = 0; i < TRIES; i++) {
    const query = `${QUERIES[i % QUERIES.length]}${i >= QUERIES.length ? ' ' + String(i) : ''}`;
    await box.fill(query);
    const started = await page.evaluate(() => performance.now());
    await box.press('Enter');
    await page.waitForFunction((q) => {
      const total = document.querySelector('[data-testid="total"]')?.textContent ?? '';
      return new URLSearchParams(location.search).get('q') === q && total.startsWith('共');
    }, query);
    const painted = await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))));
    search.push(painted - started);
  }

  const token = await apiLogin('purchaser');
  const hits = await gql<{ search: { edges: { node: { productId: string } }[] } }>('{ search(query: "", first: 50) { edges { node { productId } } } }', {}, token);
  const ids = [...new Set(hits.search.edges.map((e) => e.node.productId))];
  const product: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    const started = Date.now();
    await page.goto(`/products/${ids[i % ids.length]}`);
    await expect(page.getByRole('columnheader', { name: '最高限价' })).toBeVisible();
    await expect(page.getByRole('img', { name: '近 90 天价格走势图' })).toBeVisible();
    product.push(Date.now() - started);
  }
  console.log(summary('search Enter → results painted', search));
  console.log(summary('product page load (navigation → offers table and chart)', product));
});
