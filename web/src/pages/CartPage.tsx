import { useMutation, useQuery } from '@apollo/client';
import { Alert, App, Button, Card, Empty, InputNumber, List, Space, Tag, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { CartQuery } from '../lib/cartQuery';
import { errorMessage } from '../lib/errors';
import { SUPPLIER_SIZE, label } from '../lib/labels';

const UpdateLine = graphql(`
  mutation UpdateCartLine($offerId: ID!, $quantity: Int!) {
    updateCartLine(offerId: $offerId, quantity: $quantity) { cart { lineCount } errors { code field message } }
  }
`);
const RemoveLine = graphql(`
  mutation RemoveCartLine($offerId: ID!) {
    removeCartLine(offerId: $offerId) { cart { lineCount } errors { code field message } }
  }
`);

export default function CartPage() {
  const { data, loading } = useQuery(CartQuery, { fetchPolicy: 'cache-and-network' });
  const refetch = { refetchQueries: ['Cart', 'Shell'], awaitRefetchQueries: true };
  const [updateLine] = useMutation(UpdateLine, refetch);
  const [removeLine] = useMutation(RemoveLine, refetch);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const cart = data?.cart;

  const update = async (offerId: string, quantity: number) => {
    const { data: result } = await updateLine({ variables: { offerId, quantity } });
    const errors = result?.updateCartLine.errors ?? [];
    if (errors.length) message.error(errors.map(errorMessage).join('；'));
  };
  if (!cart && loading) return null;
  if (!cart || cart.lineCount === 0) {
    return <Empty description="购物车是空的"><Link to="/search"><Button type="primary">去选购</Button></Link></Empty>;
  }
  const changed = cart.groups.some((g) => g.lines.some((l) => l.priceChanged));

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>购物车</Typography.Title>
      {changed && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} role="alert" data-testid="price-changed"
          message="部分商品价格已变动：请逐项确认新价格后再下单（不会自动按新价格结算）。" />
      )}
      {cart.groups.map((group) => (
        <Card key={group.supplier.id} title={`${group.supplier.name}`} extra={<span>小计 <Money value={group.total} strong /></span>} style={{ marginBottom: 16 }} data-testid="cart-group">
          <div className="yw-muted" style={{ marginBottom: 8 }}>{label(SUPPLIER_SIZE, group.supplier.supplierSize)}</div>
          <List
            dataSource={group.lines}
            renderItem={(line) => (
              <List.Item key={line.offer.id} data-testid="cart-line"
                actions={[<Button key="remove" type="link" danger onClick={() => removeLine({ variables: { offerId: line.offer.id } })}>删除</Button>]}>
                <List.Item.Meta
                  title={<Link to={`/products/${line.offer.product.id}`}>{line.offer.product.name}</Link>}
                  description={
                    <Space wrap>
                      <span>单价 <Money value={line.offer.price} /></span>
                      {line.priceChanged && (
                        <span data-testid="line-price-changed">
                          <Tag color="orange">价格已变动</Tag>加入时 <s><Money value={line.seenPrice} /></s> → 现价 <Money value={line.offer.price} strong />
                          <Button size="small" style={{ marginLeft: 8 }} onClick={() => update(line.offer.id, line.quantity)}>接受新价格</Button>
                        </span>
                      )}
                      {line.offer.agreement && <span className="yw-muted">协议 {line.offer.agreement.code}</span>}
                    </Space>
                  }
                />
                <Space>
                  <InputNumber aria-label="数量" min={1} value={line.quantity} onChange={(value) => value && update(line.offer.id, value)} style={{ width: 72 }} />
                  <Money value={line.amount} strong />
                </Space>
              </List.Item>
            )}
          />
        </Card>
      ))}
      <Card>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <span>共 {cart.lineCount} 件商品，合计 <span className="yw-price"><Money value={cart.total} strong /></span></span>
          <Button type="primary" size="large" disabled={changed} onClick={() => navigate('/checkout')}>去结算</Button>
        </Space>
      </Card>
    </>
  );
}
