import { expect, test } from '@playwright/test';
import { apiLogin, gql, loginInPage, mutate, review, SUPPLIER_LOGIN } from './helpers';

// The main story: a purchaser buys, accepts and pays for a desktop computer through the pages;
// the supplier's side goes through the API.
test('purchaser buys, accepts and pays for a desktop computer', async ({ page }) => {
  const started = Date.now();
  let clicks = 0;
  const click = async (locator: ReturnType<typeof page.locator>) => {
    clicks += 1;
    await locator.click();
  };

  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=/);
  await review(page, '01-login');
  await loginInPage(page);
  clicks += 1;
  await expect(page.getByRole('heading', { name: /欢迎，丽水市机关事务管理局/ })).toBeVisible();
  await expect(page.getByText('丽水山耕精品馆')).toBeVisible();
  await expect(page.getByRole('tree', { name: '品目分类' }).getByText('信息化设备')).toBeVisible();
  await review(page, '02-home');

  await page.getByRole('searchbox', { name: '搜索商品' }).fill('联想 台式机');
  await page.getByRole('searchbox', { name: '搜索商品' }).press('Enter');
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.getByTestId('total')).toHaveText(/共 \d+ 件商品/);
  await expect(page.getByTestId('hit').first().locator('mark').first()).toHaveText('联想');
  await click(page.getByTestId('facet-brand').getByRole('checkbox', { name: /联想/ }));
  await expect(page).toHaveURL(/brand=/);
  await expect(page.getByText(/品牌：联想/)).toBeVisible();
  await expect(page.getByTestId('hit').first()).toBeVisible();
  await review(page, '03-search');

  // The first hit from 华信 (the demo `supplier`), then a second product to compare.
  const hits = page.getByTestId('hit');
  const second = await hits.nth(1).getByRole('link').getAttribute('href');
  await click(hits.filter({ hasText: '丽水市华信办公设备有限公司' }).first().getByRole('link'));
  await expect(page.getByTestId('product-name')).toBeVisible();
  await expect(page.getByRole('columnheader', { name: '最高限价' })).toBeVisible();
  await expect(page.getByRole('img', { name: '近 90 天价格走势图' })).toBeVisible();
  await expect(page.getByText('¥', { exact: false }).first()).toBeVisible();
  const productUrl = page.url();
  await click(page.getByRole('button', { name: '加入对比' }));
  await page.goto(second!);
  await click(page.getByRole('button', { name: '加入对比' }));
  await click(page.getByRole('button', { name: /对比已选 2 件/ }));
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expect(page.getByRole('cell', { name: '内存' })).toBeVisible();
  await review(page, '05-compare');

  await page.goto(productUrl);
  const row = page.getByRole('row').filter({ hasText: '丽水市华信办公设备有限公司' });
  await expect(row).toBeVisible();
  await review(page, '04-product');
  await click(row.getByRole('button', { name: '加入购物车' }));
  await expect(page.getByText('已加入购物车')).toBeVisible();

  await click(page.getByRole('link', { name: /购物车/ }).first());
  await expect(page.getByTestId('cart-group')).toHaveCount(1);
  await expect(page.getByTestId('cart-group')).toContainText('丽水市华信办公设备有限公司');
  await review(page, '06-cart');
  await click(page.getByRole('button', { name: /去\s*结\s*算/ }));

  await expect(page.getByTestId('plan').first()).toBeVisible();
  await expect(page.getByText(/剩余 ¥/).first()).toBeVisible();
  await click(page.getByRole('radio', { name: /信息化设备购置/ }));
  await page.getByLabel('收货地址').fill('丽水市莲都区人民街 1 号');
  await page.getByLabel('联系人').fill('王丽');
  await page.getByLabel('联系电话').fill('0578-2123456');
  await review(page, '07-checkout');
  await click(page.getByRole('button', { name: /提交订单/ }));
  await expect(page.getByText('下单成功，等待供应商确认')).toBeVisible();
  await click(page.getByTestId('placed-order').first());
  await expect(page.getByTestId('order-state')).toHaveText('待确认');
  const orderId = decodeURIComponent(page.url().split('/orders/')[1]);

  // The supplier confirms through the API: a contract is drafted.
  const held = await gql<{ order: { supplier: { name: string } } }>('query($id: ID!) { order(id: $id) { supplier { name } } }', { id: orderId }, await apiLogin('purchaser'));
  const supplier = await apiLogin(SUPPLIER_LOGIN[held.order.supplier.name]);
  await mutate(supplier, 'mutation($id: ID!) { confirmOrder(orderId: $id) { errors { code message } } }', { id: orderId });

  await page.reload();
  await expect(page.getByTestId('order-state')).toHaveText('已确认');
  await click(page.getByRole('button', { name: /签署合同/ }));
  await expect(page.getByText('合同已签署')).toBeVisible();
  const download = page.waitForEvent('download');
  await click(page.getByRole('button', { name: /下载合同 PDF/ }));
  expect((await download).suggestedFilename()).toMatch(/^HT\d+\.pdf$/);

  // The supplier signs, ships and marks it delivered.
  const contract = await gql<{ order: { contract: { id: string } } }>('query($id: ID!) { order(id: $id) { contract { id } } }', { id: orderId }, supplier);
  await mutate(supplier, 'mutation($id: ID!) { signContract(contractId: $id) { errors { code message } } }', { id: contract.order.contract.id });
  await mutate(supplier, 'mutation($i: ShipOrderInput!) { shipOrder(input: $i) { errors { code message } } }', { i: { orderId, carrier: '顺丰速运', trackingNumber: 'SF1234567890' } });
  await mutate(supplier, 'mutation($id: ID!) { markDelivered(orderId: $id) { errors { code message } } }', { id: orderId });

  await page.reload();
  await expect(page.getByTestId('order-state')).toHaveText('已送达');
  await expect(page.getByTestId('contract-status')).toHaveText('已签订');
  await expect(page.getByText('顺丰速运 SF1234567890').first()).toBeVisible();
  await review(page, '08-order-delivered');
  const form = page.getByTestId('acceptance-form');
  await click(form.getByRole('list', { name: '质量评分' }).getByRole('radio').nth(3));
  await click(form.getByRole('button', { name: /提交验收/ }));
  await expect(page.getByTestId('order-state')).toHaveText('已验收');
  await expect(page.getByTestId('acceptance')).toContainText('质量 4');

  await click(page.getByRole('button', { name: /申请支付/ }));
  await expect(page.getByTestId('payment-status')).toHaveText('已申请');
  await review(page, '09-order-paid');
  const wall = Date.now() - started;

  // What the API now holds.
  const final = await gql<{ order: { state: string; acceptances: { passed: boolean; quality: number }[]; contract: { status: string }; payments: { method: string; status: string }[] } }>(
    'query($id: ID!) { order(id: $id) { state acceptances { passed quality } contract { status } payments { method status } } }',
    { id: orderId },
    await apiLogin('purchaser'),
  );
  expect(final.order).toEqual({
    state: 'ACCEPTED',
    acceptances: [{ passed: true, quality: 4 }],
    contract: { status: 'SIGNED' },
    payments: [{ method: 'TREASURY', status: 'REQUESTED' }],
  });
  console.log(`purchase path: ${clicks} clicks (plus typing), ${(wall / 1000).toFixed(1)} s wall time including the supplier's API steps`);

  await page.goto('/orders');
  await expect(page.getByRole('link', { name: /^YW/ }).first()).toBeVisible();
  await review(page, '10-orders');
  await page.goto('/plans');
  await expect(page.getByText('丽水市机关事务管理局2026年信息化设备购置')).toBeVisible();
  await review(page, '11-plans');
});
