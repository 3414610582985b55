import { useQuery } from '@apollo/client';
import { Progress, Table, Typography } from 'antd';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { usedPercent } from '../lib/money';

const Plans = graphql(`
  query Plans {
    purchasePlans { id code name fiscalYear categoryCode fundSource budgetItem amount { amount currency } reserved { amount currency } consumed { amount currency } available { amount currency } }
  }
`);

export default function PlansPage() {
  const { data, loading } = useQuery(Plans);
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>采购计划</Typography.Title>
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.purchasePlans ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: '计划编号', dataIndex: 'code' },
          { title: '名称', dataIndex: 'name' },
          { title: '年度', dataIndex: 'fiscalYear' },
          { title: '品目', dataIndex: 'categoryCode' },
          { title: '资金来源', dataIndex: 'fundSource' },
          { title: '计划金额', render: (_, p) => <Money value={p.amount} /> },
          { title: '已预留', render: (_, p) => <Money value={p.reserved} /> },
          { title: '已使用', render: (_, p) => <Money value={p.consumed} /> },
          { title: '剩余', render: (_, p) => <Money value={p.available} strong /> },
          { title: '执行进度', render: (_, p) => <Progress aria-label={`${p.name}执行进度`} percent={usedPercent(p.amount.amount, p.available.amount)} size="small" style={{ width: 120 }} /> },
        ]}
      />
    </>
  );
}
