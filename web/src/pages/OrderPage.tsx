import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { App, Button, Card, Col, Descriptions, Form, Input, Radio, Rate, Result, Row, Select, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { graphql } from '../gql';
import type { OrderQuery } from '../gql/graphql';
import { Money } from '../components/Money';
import { ErrorList } from '../components/Errors';
import { errorMessage, type FieldError } from '../lib/errors';
import { formatDate, formatDateTime } from '../lib/dates';
import { CONTRACT_STATUS, ORDER_STATE, PAYMENT_METHOD, PAYMENT_STATUS, TIMELINE_ACTION, label } from '../lib/labels';
import { freshAccessToken } from '../lib/session';

const OrderQueryDoc = graphql(`
  query Order($id: ID!) {
    order(id: $id) {
      id number state total { amount currency } totalInWords acceptedAmount { amount currency }
      deliveryAddress contactName contactPhone note supplierReference
      placedAt confirmDueAt confirmedAt deliverDueOn shippedAt deliveredAt acceptDueOn acceptedAt paymentDueOn paidAt closingReason
      supplier { id name }
      purchaser { name }
      lines { id name brand model unit quantity unitPrice { amount currency } amount { amount currency } acceptancePassed acceptanceNote shippedQuantity
              snapshot { ceiling { amount currency } marketReference { amount currency } } }
      timeline { action fromState toState actorRole note at }
      shipments { carrier trackingNumber shippedAt }
      acceptances { passed acceptedAmount { amount currency } quality delivery service note at }
      disputes { id status reason answer openedAt answeredAt }
      contract { id number status amount { amount currency } purchaserSignedAt supplierSignedAt signedOn pdfUrl }
      payments { id method status amount { amount currency } voucherNumber failureReason requestedAt paidAt }
    }
  }
`);

const SignContract = graphql(`
  mutation SignContract($contractId: ID!) {
    signContract(contractId: $contractId) { contract { id status purchaserSignedAt supplierSignedAt } errors { code field message } }
  }
`);

const AcceptOrder = graphql(`
  mutation AcceptOrder($input: AcceptOrderInput!) {
    acceptOrder(input: $input) { order { id state } errors { code field message } }
  }
`);

const RequestPayment = graphql(`
  mutation RequestPayment($input: RequestPaymentInput!) {
    requestPayment(input: $input) { payment { id status method } clientSecret errors { code field message } }
  }
`);

type Order = NonNullable<OrderQuery['order']>;

export default function OrderPage() {
  const { id = '' } = useParams();
  const { data, loading } = useQuery(OrderQueryDoc, { variables: { id } });
  const order = data?.order;
  if (loading && !order) return <Skeleton active />;
  if (!order) return <Result status="404" title="订单不存在" />;
  const state = ORDER_STATE[order.state];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        订单 {order.number} <Tag color={state?.color} data-testid="order-state">{state?.label ?? order.state}</Tag>
      </Typography.Title>
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={16}>
          <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}>
            <Descriptions.Item label="供应商">{order.supplier.name}</Descriptions.Item>
            <Descriptions.Item label="采购单位">{order.purchaser.name}</Descriptions.Item>
            <Descriptions.Item label="订单金额"><Money value={order.total} strong />（{order.totalInWords}）</Descriptions.Item>
            <Descriptions.Item label="下单时间">{formatDateTime(order.placedAt)}</Descriptions.Item>
            <Descriptions.Item label="收货地址">{order.deliveryAddress}</Descriptions.Item>
            <Descriptions.Item label="联系人">{order.contactName} {order.contactPhone}</Descriptions.Item>
            <Descriptions.Item label="确认期限">{formatDateTime(order.confirmDueAt)}</Descriptions.Item>
            <Descriptions.Item label="供货期限">{formatDate(order.deliverDueOn)}</Descriptions.Item>
            {order.acceptDueOn && <Descriptions.Item label="验收期限">{formatDate(order.acceptDueOn)}</Descriptions.Item>}
            {order.paymentDueOn && <Descriptions.Item label="付款期限">{formatDate(order.paymentDueOn)}</Descriptions.Item>}
            {order.closingReason && <Descriptions.Item label="关闭原因">{order.closingReason}</Descriptions.Item>}
          </Descriptions>
          <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>商品明细</Typography.Title>
          <Table rowKey="id" pagination={false} dataSource={order.lines} scroll={{ x: 640 }} size="small" columns={[
            { title: '商品', render: (_, l) => `${l.name}` },
            { title: '数量', render: (_, l) => `${l.quantity} ${l.unit}` },
            { title: '单价', render: (_, l) => <Money value={l.unitPrice} /> },
            { title: '限价', render: (_, l) => <Money value={l.snapshot.ceiling} /> },
            { title: '金额', render: (_, l) => <Money value={l.amount} strong /> },
            { title: '验收', render: (_, l) => l.acceptancePassed === null || l.acceptancePassed === undefined ? '—' : l.acceptancePassed ? <Tag color="green">合格</Tag> : <Tag color="red">不合格</Tag> },
          ]} />
          <ContractCard order={order} />
          <DeliveryCard order={order} />
          {order.state === 'DELIVERED' && <AcceptanceForm order={order} />}
          <AcceptanceCard order={order} />
          <PaymentCard order={order} />
        </Col>
        <Col xs={24} lg={8}>
          <Card title="订单进度" size="small">
            <Timeline
              data-testid="timeline"
              items={order.timeline.map((entry) => ({
                children: (
                  <div>
                    <div>{label(TIMELINE_ACTION, entry.action)}</div>
                    <div className="yw-muted">{formatDateTime(entry.at)}{entry.note ? ` · ${entry.note}` : ''}</div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function ContractCard({ order }: { order: Order }) {
  const contract = order.contract;
  const [sign, { loading }] = useMutation(SignContract, { refetchQueries: ['Order'], awaitRefetchQueries: true });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const { message } = App.useApp();
  if (!contract) return <Card size="small" title="合同" style={{ marginTop: 16 }}>供应商确认订单后自动生成合同。</Card>;

  const download = async () => {
    const token = await freshAccessToken();
    const response = await fetch(contract.pdfUrl, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (!response.ok) {
      message.error('合同下载失败，请稍后再试');
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = `${contract.number}.pdf`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const doSign = async () => {
    const { data } = await sign({ variables: { contractId: contract.id } });
    setErrors(data?.signContract.errors ?? []);
    if (!data?.signContract.errors.length) message.success('合同已签署');
  };

  return (
    <Card size="small" title={`合同 ${contract.number}`} style={{ marginTop: 16 }} data-testid="contract"
      extra={<Tag data-testid="contract-status">{label(CONTRACT_STATUS, contract.status)}</Tag>}>
      <Space direction="vertical">
        <span>合同金额 <Money value={contract.amount} /></span>
        <span>采购人签署：{contract.purchaserSignedAt ? formatDateTime(contract.purchaserSignedAt) : '未签署'}</span>
        <span>供应商签署：{contract.supplierSignedAt ? formatDateTime(contract.supplierSignedAt) : '未签署'}</span>
        <Space>
          {!contract.purchaserSignedAt && contract.status === 'AWAITING_SIGNATURES' && (
            <Button type="primary" loading={loading} onClick={doSign}>签署合同</Button>
          )}
          <Button onClick={download}>下载合同 PDF</Button>
        </Space>
        <ErrorList messages={errors.map(errorMessage)} />
      </Space>
    </Card>
  );
}

function DeliveryCard({ order }: { order: Order }) {
  if (!order.shipments.length) return null;
  return (
    <Card size="small" title="物流" style={{ marginTop: 16 }}>
      {order.shipments.map((s) => (
        <div key={s.trackingNumber}>{s.carrier} {s.trackingNumber} · 发货 {formatDateTime(s.shippedAt)}</div>
      ))}
      {order.deliveredAt && <div>送达 {formatDateTime(order.deliveredAt)}</div>}
    </Card>
  );
}

interface AcceptValues {
  lines: Record<string, { passed: boolean; note?: string }>;
  quality: number;
  delivery: number;
  service: number;
  note?: string;
}

function AcceptanceForm({ order }: { order: Order }) {
  const [accept, { loading }] = useMutation(AcceptOrder, { refetchQueries: ['Order'], awaitRefetchQueries: true });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const initial: AcceptValues = {
    lines: Object.fromEntries(order.lines.map((l) => [l.id, { passed: true }])),
    quality: 5, delivery: 5, service: 5,
  };
  const submit = async (values: AcceptValues) => {
    const { data } = await accept({
      variables: {
        input: {
          orderId: order.id,
          lines: order.lines.map((l) => ({ lineId: l.id, passed: values.lines[l.id]?.passed ?? true, note: values.lines[l.id]?.note || null })),
          ratings: { quality: values.quality, delivery: values.delivery, service: values.service },
          note: values.note || null,
        },
      },
    });
    setErrors(data?.acceptOrder.errors ?? []);
  };
  return (
    <Card size="small" title="验收" style={{ marginTop: 16 }} data-testid="acceptance-form">
      <Form layout="vertical" initialValues={initial} onFinish={submit}>
        {order.lines.map((line) => (
          <Space key={line.id} wrap align="start" style={{ width: '100%' }}>
            <Form.Item label={line.name} name={['lines', line.id, 'passed']}>
              <Radio.Group options={[{ value: true, label: '合格' }, { value: false, label: '不合格' }]} optionType="button" />
            </Form.Item>
            <Form.Item label="说明" name={['lines', line.id, 'note']}><Input placeholder="不合格时请说明原因" /></Form.Item>
          </Space>
        ))}
        <Space wrap size="large">
          <Form.Item label="质量" name="quality"><Rate aria-label="质量评分" /></Form.Item>
          <Form.Item label="交付" name="delivery"><Rate aria-label="交付评分" /></Form.Item>
          <Form.Item label="服务" name="service"><Rate aria-label="服务评分" /></Form.Item>
        </Space>
        <Form.Item label="验收意见" name="note"><Input.TextArea rows={2} /></Form.Item>
        <ErrorList messages={errors.map(errorMessage)} />
        <Button type="primary" htmlType="submit" loading={loading} style={{ marginTop: 8 }}>提交验收</Button>
      </Form>
    </Card>
  );
}

function AcceptanceCard({ order }: { order: Order }) {
  if (!order.acceptances.length && !order.disputes.length) return null;
  return (
    <Card size="small" title="验收结果与争议" style={{ marginTop: 16 }}>
      {order.acceptances.map((a) => (
        <div key={a.at} data-testid="acceptance">
          {a.passed ? <Tag color="green">验收合格</Tag> : <Tag color="red">验收不合格</Tag>}
          验收金额 <Money value={a.acceptedAmount} /> · 质量 {a.quality} · 交付 {a.delivery} · 服务 {a.service} · {formatDateTime(a.at)}
          {a.note && <div className="yw-muted">{a.note}</div>}
        </div>
      ))}
      {order.disputes.map((d) => (
        <div key={d.id} style={{ marginTop: 8 }}>
          <Tag color="volcano">争议 · {d.status === 'OPEN' ? '待供应商答复' : '已答复'}</Tag>{d.reason}
          {d.answer && <div className="yw-muted">供应商答复：{d.answer}（{formatDateTime(d.answeredAt)}）</div>}
        </div>
      ))}
    </Card>
  );
}

function PaymentCard({ order }: { order: Order }) {
  const [request, { loading }] = useMutation(RequestPayment, { refetchQueries: ['Order'], awaitRefetchQueries: true });
  const [method, setMethod] = useState<'TREASURY' | 'OFFICIAL_CARD'>('TREASURY');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const live = order.payments.some((p) => p.status !== 'FAILED');
  const canRequest = order.state === 'ACCEPTED' && !live;
  if (!order.payments.length && !canRequest) return null;
  const submit = async () => {
    const { data } = await request({ variables: { input: { orderId: order.id, method } } });
    setErrors(data?.requestPayment.errors ?? []);
  };
  return (
    <Card size="small" title="支付" style={{ marginTop: 16 }} data-testid="payment">
      {order.payments.map((p) => (
        <div key={p.id}>
          {label(PAYMENT_METHOD, p.method)} · <Money value={p.amount} /> · <Tag data-testid="payment-status">{label(PAYMENT_STATUS, p.status)}</Tag>
          申请于 {formatDateTime(p.requestedAt)}{p.paidAt ? ` · 支付于 ${formatDateTime(p.paidAt)}` : ''}{p.voucherNumber ? ` · 凭证 ${p.voucherNumber}` : ''}
          {p.failureReason && <div className="yw-muted">{p.failureReason}</div>}
        </div>
      ))}
      {canRequest && (
        <Space wrap>
          <Select aria-label="支付方式" value={method} onChange={setMethod} style={{ width: 160 }}
            options={[{ value: 'TREASURY', label: PAYMENT_METHOD.TREASURY }, { value: 'OFFICIAL_CARD', label: PAYMENT_METHOD.OFFICIAL_CARD }]} />
          <Button type="primary" loading={loading} onClick={submit}>申请支付</Button>
        </Space>
      )}
      <ErrorList messages={errors.map(errorMessage)} />
    </Card>
  );
}
