import { useMemo, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { Alert, Button, Card, Col, Form, Input, List, Radio, Result, Row, Space, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { ErrorList } from '../components/Errors';
import { CartQuery } from '../lib/cartQuery';
import { errorsByField, generalErrors, offerErrors, type FieldError } from '../lib/errors';

const Plans = graphql(`
  query CheckoutPlans {
    purchasePlans { id code name categoryCode fiscalYear amount { amount currency } reserved { amount currency } available { amount currency } }
  }
`);

const PlaceOrder = graphql(`
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      orders { id number state total { amount currency } supplier { name } }
      errors { code field message }
    }
  }
`);

const FORM_FIELDS = ['planId', 'deliveryAddress', 'contactName', 'contactPhone', 'note'];

function newKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export default function CheckoutPage() {
  const cart = useQuery(CartQuery, { fetchPolicy: 'network-only' });
  const plans = useQuery(Plans);
  // One key per checkout: a double click or a retry after a network error places one order.
  const idempotencyKey = useMemo(newKey, []);
  const [placeOrder, { loading, data: placed }] = useMutation(PlaceOrder, { refetchQueries: ['Shell'] });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [networkFailed, setNetworkFailed] = useState(false);
  const [form] = Form.useForm();
  const byField = errorsByField(errors);

  const submit = async (values: Record<string, string | undefined>) => {
    setNetworkFailed(false);
    try {
      const { data } = await placeOrder({
        variables: { input: { planId: values.planId ?? null, deliveryAddress: values.deliveryAddress ?? '', contactName: values.contactName ?? '', contactPhone: values.contactPhone ?? '', note: values.note || null, idempotencyKey } },
      });
      setErrors(data?.placeOrder.errors ?? []);
    } catch {
      setNetworkFailed(true);
    }
  };

  const orders = placed?.placeOrder.orders ?? [];
  if (orders.length) {
    return (
      <Result status="success" title="下单成功，等待供应商确认" subTitle={`共 ${orders.length} 个订单（按供应商拆分）`}
        extra={orders.map((order) => (
          <div key={order.id} style={{ marginBottom: 8 }}>
            <Link to={`/orders/${order.id}`} data-testid="placed-order">订单 {order.number}</Link> · {order.supplier.name} · <Money value={order.total} />
          </div>
        ))} />
    );
  }
  const groups = cart.data?.cart.groups ?? [];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>结算</Typography.Title>
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={14}>
          {groups.map((group) => (
            <Card key={group.supplier.id} size="small" title={group.supplier.name} style={{ marginBottom: 12 }}>
              <List dataSource={group.lines} renderItem={(line) => (
                <List.Item key={line.offer.id} data-testid="checkout-line">
                  <div style={{ width: '100%' }}>
                    <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                      <span>{line.offer.product.name} × {line.quantity}</span>
                      <Money value={line.amount} strong />
                    </Space>
                    <ErrorList messages={offerErrors(byField, line.offer.id)} testId={`line-errors-${line.offer.id}`} />
                  </div>
                </List.Item>
              )} />
            </Card>
          ))}
          <Card size="small">合计 <span className="yw-price"><Money value={cart.data?.cart.total} strong /></span></Card>
        </Col>
        <Col xs={24} lg={10}>
          <Form form={form} layout="vertical" onFinish={submit} initialValues={{ deliveryAddress: '', contactName: '', contactPhone: '' }}>
            <Form.Item label="采购计划" name="planId" validateStatus={byField.has('planId') ? 'error' : undefined} help={byField.get('planId')?.join('；')}>
              <Radio.Group style={{ width: '100%' }}>
                <Space direction="vertical" style={{ width: '100%' }}>
                  {(plans.data?.purchasePlans ?? []).map((plan) => (
                    <Radio key={plan.id} value={plan.id} data-testid="plan">
                      {plan.name}（{plan.code}）<br />
                      <span className="yw-muted">品目 {plan.categoryCode} · 剩余 <Money value={plan.available} /> / 总额 <Money value={plan.amount} /></span>
                    </Radio>
                  ))}
                </Space>
              </Radio.Group>
            </Form.Item>
            {(['deliveryAddress', 'contactName', 'contactPhone'] as const).map((field) => (
              <Form.Item key={field} label={{ deliveryAddress: '收货地址', contactName: '联系人', contactPhone: '联系电话' }[field]} name={field}
                validateStatus={byField.has(field) ? 'error' : undefined} help={byField.get(field)?.join('；')}>
                <Input />
              </Form.Item>
            ))}
            <Form.Item label="备注" name="note"><Input.TextArea rows={2} /></Form.Item>
            {networkFailed && <Alert type="warning" showIcon role="alert" message="网络错误，订单可能未提交。可再次点击提交，不会重复下单。" style={{ marginBottom: 12 }} />}
            <ErrorList messages={generalErrors(byField, FORM_FIELDS)} testId="checkout-errors" />
            <Button type="primary" htmlType="submit" size="large" block loading={loading} style={{ marginTop: 12 }} disabled={!groups.length}>提交订单</Button>
          </Form>
        </Col>
      </Row>
    </>
  );
}
