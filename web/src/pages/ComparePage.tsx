import { useState } from 'react';
import { useQuery } from '@apollo/client';
import { Button, Empty, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { compareList, setCompareList } from '../lib/compare';

const Compare = graphql(`
  query Compare($ids: [ID!]!) {
    compareProducts(ids: $ids) {
      products { id name brand model lowestPrice { amount currency } }
      rows { key unit values differs }
    }
  }
`);

export default function ComparePage() {
  const [ids, setIds] = useState(compareList);
  const { data } = useQuery(Compare, { variables: { ids }, skip: ids.length === 0 });
  if (ids.length === 0) return <Empty description="还没有选择要对比的商品，请在商品页点击“加入对比”（最多四件）" />;
  const products = data?.compareProducts.products ?? [];
  const remove = (id: string) => {
    const next = ids.filter((x) => x !== id);
    setCompareList(next);
    setIds(next);
  };
  const rows = [
    { key: '价格', unit: null, values: products.map((p) => p.lowestPrice?.amount ?? null), differs: true, money: true },
    ...(data?.compareProducts.rows ?? []).map((r) => ({ ...r, money: false })),
  ];
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>商品对比</Typography.Title>
      {/* A scrolling wrapper, not the table's scroll.x: its hidden measure row would copy the header's links. */}
      <div style={{ overflowX: 'auto' }}>
      <Table
        rowKey="key"
        pagination={false}
        dataSource={rows}
        data-testid="compare-table"
        rowClassName={(row) => (row.differs ? 'yw-differs' : '')}
        columns={[
          { title: '参数', dataIndex: 'key', width: 120 },
          ...products.map((product, index) => ({
            title: (
              <div>
                <Link to={`/products/${product.id}`}>{product.brand} {product.model}</Link>
                <div><Button size="small" type="link" onClick={() => remove(product.id)}>移除</Button></div>
              </div>
            ),
            key: product.id,
            render: (_: unknown, row: (typeof rows)[number]) => {
              const value = row.values[index];
              if (row.money) return <Money value={value ? { amount: value } : null} />;
              if (value === null || value === undefined) return '—';
              return `${value === 'true' ? '是' : value === 'false' ? '否' : value}${row.unit ?? ''}`;
            },
          })),
        ]}
      />
      </div>
    </>
  );
}
