import { Suspense, useEffect, useState } from 'react';
import { useApolloClient, useQuery } from '@apollo/client';
import { Alert, Badge, Button, Dropdown, Input, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { graphql } from './gql';
import { useSession } from './auth';
import { saveSession } from './lib/session';
import { isOffline, onConnectivity } from './lib/connectivity';
import { NAV, ROLE_LABEL, type Role } from './roles';

const ShellQuery = graphql(`
  query Shell {
    me { displayName role organisation { name regionCode } }
    cart { lineCount }
  }
`);

function useOffline(): boolean {
  const [offline, setOffline] = useState(isOffline);
  useEffect(() => onConnectivity(setOffline), []);
  return offline;
}

export default function Shell() {
  const session = useSession();
  const offline = useOffline();
  const client = useApolloClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { data } = useQuery(ShellQuery, { skip: !session });
  const wasOffline = usePrevious(offline);

  useEffect(() => {
    if (wasOffline && !offline) void client.refetchQueries({ include: 'active' });
  }, [offline, wasOffline, client]);

  const logout = async () => {
    saveSession(null);
    await client.clearStore();
    navigate('/login');
  };
  const role = (session?.role ?? 'PURCHASER') as Role;
  const nav = NAV[role];
  const selected = nav.filter((item) => item.path !== '/' && location.pathname.startsWith(item.path)).map((i) => i.path);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="yw-header">
        <Link to="/" className="yw-logo">一网 · 政府采购电子卖场</Link>
        <Dropdown
          className="yw-show-mobile"
          menu={{ items: nav.map((item) => ({ key: item.path, label: <Link to={item.path}>{item.label}</Link> })) }}
        >
          <Button aria-label="导航菜单" style={{ marginLeft: 'auto' }}>菜单</Button>
        </Dropdown>
        <Menu
          className="yw-nav yw-hide-mobile"
          theme="dark"
          mode="horizontal"
          selectedKeys={selected.length ? selected : [location.pathname === '/' ? '/' : '']}
          items={nav.map((item) => ({
            key: item.path,
            label:
              item.path === '/cart' ? (
                <Link to="/cart">
                  <Badge count={data?.cart.lineCount ?? 0} size="small" offset={[8, -2]} color="#ad2102">
                    <span style={{ color: 'inherit' }}>购物车</span>
                  </Badge>
                </Link>
              ) : (
                <Link to={item.path}>{item.label}</Link>
              ),
          }))}
        />
        {session && (
          <Space className="yw-user">
            <Typography.Text style={{ color: '#fff' }} className="yw-user-name">
              {data?.me.displayName ?? session.username} · {ROLE_LABEL[role]}
            </Typography.Text>
            <Button size="small" onClick={logout}>退出</Button>
          </Space>
        )}
      </Layout.Header>
      {offline && (
        <Alert
          role="alert"
          banner
          type="warning"
          message="与服务器的连接已中断，正在重试…恢复后页面会自动刷新。"
          data-testid="offline-banner"
        />
      )}
      <Layout.Content className="yw-content">
        {location.pathname !== '/search' && location.pathname !== '/' && session && <HeaderSearch />}
        <Suspense fallback={<Spin style={{ display: 'block', margin: 80 }} />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>一网通采 · 政府采购电子卖场</Layout.Footer>
    </Layout>
  );
}

function HeaderSearch() {
  const navigate = useNavigate();
  return (
    <Input.Search
      aria-label="搜索商品"
      placeholder="搜索商品、品牌、型号"
      enterButton="搜索"
      style={{ maxWidth: 520, marginBottom: 16 }}
      onSearch={(value) => navigate(`/search?q=${encodeURIComponent(value)}`)}
    />
  );
}

function usePrevious<T>(value: T): T | undefined {
  const [previous, setPrevious] = useState<T | undefined>(undefined);
  const [current, setCurrent] = useState(value);
  if (value !== current) {
    setPrevious(current);
    setCurrent(value);
  }
  return previous;
}
