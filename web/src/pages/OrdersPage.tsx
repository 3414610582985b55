import { useMemo } from 'react';
import { useQuery } from '@apollo/client';
import { Button, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router-dom';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { formatDateTime } from '../lib/dates';
import { ORDER_STATE } from '../lib/labels';

const Orders = graphql(`
  query Orders($filter: OrderFilterInput, $after: String) {
    orders(filter: $filter, first: 20, after: $after) {
      edges { node { id number state total { amount currency } placedAt supplier { id name } lines { name quantity } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const Suppliers = graphql(`
  query OrderSuppliers { orders(first: 100) { edges { node { supplier { id name } } } } }
`);

export default function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const states = params.getAll('state');
  const supplierId = params.get('supplier');
  const from = params.get('from');
  const to = params.get('to');
  const filter = useMemo(() => ({
    states: states.length ? (states as never[]) : null,
    supplierId,
    placedFrom: from ? dayjs(from).startOf('day').toISOString() : null,
    placedTo: to ? dayjs(to).endOf('day').toISOString() : null,
  }), [params]); // eslint-disable-line react-hooks/exhaustive-deps
  const { data, loading, fetchMore } = useQuery(Orders, { variables: { filter } });
  const suppliers = useQuery(Suppliers);
  const supplierOptions = [...new Map((suppliers.data?.orders.edges ?? []).map((e) => [e.node.supplier.id, e.node.supplier.name])).entries()]
    .map(([value, label]) => ({ value, label }));
  const set = (key: string, values: string[]) => {
    const next = new URLSearchParams(params);
    next.delete(key);
    values.forEach((v) => next.append(key, v));
    setParams(next, { replace: true });
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>我的订单</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select aria-label="订单状态" mode="multiple" allowClear placeholder="订单状态" style={{ minWidth: 200 }} value={states}
          options={Object.entries(ORDER_STATE).map(([value, s]) => ({ value, label: s.label }))} onChange={(v) => set('state', v)} />
        <DatePicker.RangePicker aria-label="下单日期" value={from && to ? [dayjs(from), dayjs(to)] : null}
          onChange={(range) => {
            const next = new URLSearchParams(params);
            next.delete('from'); next.delete('to');
            if (range?.[0] && range[1]) { next.set('from', range[0].format('YYYY-MM-DD')); next.set('to', range[1].format('YYYY-MM-DD')); }
            setParams(next, { replace: true });
          }} />
        <Select aria-label="供应商" allowClear placeholder="供应商" style={{ minWidth: 220 }} value={supplierId ?? undefined} options={supplierOptions}
          onChange={(v?: string) => set('supplier', v ? [v] : [])} />
      </Space>
      <Table
        rowKey={(e) => e.node.id}
        loading={loading}
        dataSource={data?.orders.edges ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        columns={[
          { title: '订单号', render: (_, { node }) => <Link to={`/orders/${node.id}`}>{node.number}</Link> },
          { title: '商品', render: (_, { node }) => node.lines.map((l) => `${l.name} × ${l.quantity}`).join('；'), ellipsis: true },
          { title: '供应商', render: (_, { node }) => node.supplier.name },
          { title: '金额', render: (_, { node }) => <Money value={node.total} /> },
          { title: '状态', render: (_, { node }) => <Tag color={ORDER_STATE[node.state]?.color}>{ORDER_STATE[node.state]?.label ?? node.state}</Tag> },
          { title: '下单时间', render: (_, { node }) => formatDateTime(node.placedAt) },
        ]}
      />
      {data?.orders.pageInfo.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => fetchMore({
          variables: { after: data.orders.pageInfo.endCursor },
          updateQuery: (prev, { fetchMoreResult }) => ({ orders: { ...fetchMoreResult.orders, edges: [...prev.orders.edges, ...fetchMoreResult.orders.edges] } }),
        })}>加载更多</Button>
      )}
    </>
  );
}
