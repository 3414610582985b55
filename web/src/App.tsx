import { Suspense } from 'react';
import { lazyPage } from './lib/lazyPage';
import { ApolloProvider } from '@apollo/client';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { makeClient } from './lib/apollo';
import { RequireRole, SessionProvider } from './auth';

dayjs.locale('zh-cn');

// Government red; secondary text darkened from antd's defaults to meet WCAG AA contrast.
const THEME = {
  token: {
    colorPrimary: '#c8161d',
    borderRadius: 4,
    colorTextDescription: '#595959',
    colorTextTertiary: '#595959',
    colorTextSecondary: '#434343',
    colorLink: '#0958d9',
    colorError: '#cf1322',
    colorTextPlaceholder: '#6e6e6e',
    colorWarningText: '#874d00',
  },
};

// Route-level code splitting: each page is its own chunk.
// The shell (menus, badges) is a chunk of its own too: the login page does without it.
const Shell = lazyPage(() => import('./Shell'));
const LoginPage = lazyPage(() => import('./pages/LoginPage'));
const HomePage = lazyPage(() => import('./pages/HomePage'));
const SearchPage = lazyPage(() => import('./pages/SearchPage'));
const ProductPage = lazyPage(() => import('./pages/ProductPage'));
const ComparePage = lazyPage(() => import('./pages/ComparePage'));
const CartPage = lazyPage(() => import('./pages/CartPage'));
const CheckoutPage = lazyPage(() => import('./pages/CheckoutPage'));
const OrdersPage = lazyPage(() => import('./pages/OrdersPage'));
const OrderPage = lazyPage(() => import('./pages/OrderPage'));
const PlansPage = lazyPage(() => import('./pages/PlansPage'));
const NotFoundPage = lazyPage(() => import('./pages/NotFoundPage'));

const client = makeClient();

const purchaser = (page: JSX.Element) => <RequireRole roles={['PURCHASER']}>{page}</RequireRole>;

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={THEME}>
      <AntApp>
        <ApolloProvider client={client}>
          <SessionProvider>
            <BrowserRouter>
              <Suspense fallback={<Spin style={{ display: 'block', margin: 80 }} />}>
                <Routes>
                  <Route path="/login" element={<LoginPage />} />
                  <Route element={<Shell />}>
                    <Route path="/" element={purchaser(<HomePage />)} />
                    <Route path="/search" element={purchaser(<SearchPage />)} />
                    <Route path="/products/:id" element={purchaser(<ProductPage />)} />
                    <Route path="/compare" element={purchaser(<ComparePage />)} />
                    <Route path="/cart" element={purchaser(<CartPage />)} />
                    <Route path="/checkout" element={purchaser(<CheckoutPage />)} />
                    <Route path="/orders" element={purchaser(<OrdersPage />)} />
                    <Route path="/orders/:id" element={purchaser(<OrderPage />)} />
                    <Route path="/plans" element={purchaser(<PlansPage />)} />
                    <Route path="*" element={<NotFoundPage />} />
                  </Route>
                </Routes>
              </Suspense>
            </BrowserRouter>
          </SessionProvider>
        </ApolloProvider>
      </AntApp>
    </ConfigProvider>
  );
}
