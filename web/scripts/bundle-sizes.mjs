// Gzipped JavaScript each route needs before it can paint: the entry's static imports plus the
// route's lazy chunk and its static imports (from Vite's manifest). Run after `make web`:
//   node web/scripts/bundle-sizes.mjs
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = resolve(import.meta.dirname, '../dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf-8'));

function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const next of manifest[key].imports ?? []) closure(next, seen);
  return seen;
}

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const jsOf = (keys) => [...keys].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));

const entry = closure('index.html');
const routes = {
  '/login': 'src/pages/LoginPage.tsx',
  '/': 'src/pages/HomePage.tsx',
  '/search': 'src/pages/SearchPage.tsx',
  '/products/:id': 'src/pages/ProductPage.tsx',
  '/products/:id (+ price chart)': 'src/components/PriceChart.tsx',
  '/compare': 'src/pages/ComparePage.tsx',
  '/cart': 'src/pages/CartPage.tsx',
  '/checkout': 'src/pages/CheckoutPage.tsx',
  '/orders': 'src/pages/OrdersPage.tsx',
  '/orders/:id': 'src/pages/OrderPage.tsx',
  '/plans': 'src/pages/PlansPage.tsx',
};

const entryBytes = jsOf(entry).reduce((sum, f) => sum + gz(f), 0);
console.log('| route | initial JS, gzipped | of which the entry chunk (React, antd runtime, Apollo, router) |');
console.log('| --- | ---: | ---: |');
let chartPage = new Set(entry);
for (const [route, key] of Object.entries(routes)) {
  let files = closure(key, new Set(entry));
  if (route !== '/login') files = closure('src/Shell.tsx', files);
  if (route.includes('price chart')) files = closure(key, chartPage);
  if (route === '/products/:id') chartPage = new Set(files);
  const bytes = jsOf(files).reduce((sum, f) => sum + gz(f), 0);
  console.log(`| \`${route}\` | ${kb(bytes)} | ${kb(entryBytes)} |`);
}
const graphiql = jsOf(closure('graphiql.html')).reduce((sum, f) => sum + gz(f), 0);
console.log(`| \`/graphql\` (GraphiQL) | ${kb(graphiql)} | — |`);
