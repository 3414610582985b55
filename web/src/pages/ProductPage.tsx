import { lazy, Suspense, useMemo, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { App, Button, Card, Col, Descriptions, Empty, Image, InputNumber, List, Rate, Result, Row, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { PolicyTags } from '../components/PolicyTags';
import { errorMessage } from '../lib/errors';
import { compareList, MAX_COMPARE, toggleCompare } from '../lib/compare';
import { formatDateTime } from '../lib/dates';
import { SUPPLIER_SIZE, label } from '../lib/labels';

const PriceChart = lazy(() => import('../components/PriceChart'));
// On a phone the offers are cards, not a table to scroll sideways.
const NARROW = typeof window !== 'undefined' && window.matchMedia?.('(max-width: 640px)').matches;

const ProductQuery = graphql(`
  query Product($id: ID!) {
    product(id: $id) {
      id name brand model unit gtin
      category { code name }
      specs { key value unit }
      offers { id image { url url800 url200 } }
      priceComparison {
        lowestPrice { amount currency }
        marketLow { amount currency }
        savingVsMarketPercent
        marketPrices { platform { name } price { amount currency } observedAt }
        offers {
          offer { id price { amount currency } marketPrice { amount currency } }
          supplier { id name supplierSize }
          isPlatform agreementCode ceiling { amount currency } savingVsCeiling { amount currency }
          savingVsMarket { amount currency } stock rating { ratings overall quality delivery service } policyTags lowest
        }
      }
      priceHistory(days: 90) { offer { id supplier { name } } points { day price { amount } } }
    }
  }
`);

export const AddToCart = graphql(`
  mutation AddToCart($offerId: ID!, $quantity: Int!) {
    addToCart(offerId: $offerId, quantity: $quantity) { cart { lineCount total { amount currency } } errors { code field message } }
  }
`);

export default function ProductPage() {
  const { id = '' } = useParams();
  const { data, loading } = useQuery(ProductQuery, { variables: { id } });
  const [addToCart] = useMutation(AddToCart, { refetchQueries: ['Shell'] });
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [compared, setCompared] = useState(compareList);
  const product = data?.product;
  const series = useMemo(
    () => (product?.priceHistory ?? []).map((h) => ({ name: h.offer.supplier.name, points: h.points.map((p) => ({ day: p.day, price: p.price.amount })) })),
    [product],
  );

  if (loading && !product) return <Skeleton active />;
  if (!product) return <Result status="404" title="商品不存在或已下架" />;
  const comparison = product.priceComparison;
  const image = product.offers.find((o) => o.image)?.image;

  const add = async (offerId: string) => {
    const { data: result } = await addToCart({ variables: { offerId, quantity: quantities[offerId] ?? 1 } });
    const errors = result?.addToCart.errors ?? [];
    if (errors.length) message.error(errors.map(errorMessage).join('；'));
    else message.success('已加入购物车');
  };
  const compare = () => {
    if (!toggleCompare(product.id)) message.warning(`最多比较 ${MAX_COMPARE} 件商品`);
    setCompared(compareList());
  };
  const inCompare = compared.includes(product.id);

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }} data-testid="product-name">{product.name}</Typography.Title>
      <Row gutter={[24, 16]}>
        <Col xs={24} md={8}>
          {image ? <Image src={image.url800} alt={product.name} /> : <Card><Empty description="暂无图片" /></Card>}
        </Col>
        <Col xs={24} md={16}>
          <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered>
            <Descriptions.Item label="品牌">{product.brand}</Descriptions.Item>
            <Descriptions.Item label="型号">{product.model}</Descriptions.Item>
            <Descriptions.Item label="品目">{product.category.name}（{product.category.code}）</Descriptions.Item>
            <Descriptions.Item label="计量单位">{product.unit}</Descriptions.Item>
            <Descriptions.Item label="最低协议价"><span className="yw-price"><Money value={comparison.lowestPrice} strong /></span></Descriptions.Item>
            <Descriptions.Item label="电商最低价"><Money value={comparison.marketLow} />{comparison.savingVsMarketPercent && <Tag color="red" style={{ marginLeft: 8 }}>节省 {comparison.savingVsMarketPercent}%</Tag>}</Descriptions.Item>
          </Descriptions>
          <Space style={{ marginTop: 12 }} wrap>
            <Button onClick={compare} aria-pressed={inCompare}>{inCompare ? '取消对比' : '加入对比'}</Button>
            <Button type="link" disabled={compared.length < 2} onClick={() => navigate('/compare')}>对比已选 {compared.length} 件</Button>
          </Space>
        </Col>
      </Row>

      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>供应商报价（{comparison.offers.length}）</Typography.Title>
      {NARROW ? (
        <List
          dataSource={comparison.offers}
          renderItem={(row) => (
            <List.Item key={row.offer.id} style={{ padding: 0, border: 'none' }}>
            <Card size="small" style={{ marginBottom: 12, width: '100%' }} data-testid="offer-card"
              title={<span>{row.supplier.name} {row.lowest && <Tag color="red">最低价</Tag>}</span>}>
              <div className="yw-price"><Money value={row.offer.price} strong /></div>
              <div>最高限价 <Money value={row.ceiling} /> · 较限价节省 <Money value={row.savingVsCeiling} /></div>
              <div>电商价 <Money value={row.offer.marketPrice} /> · 库存 {row.stock}{row.rating ? ` · 评分 ${row.rating.overall}` : ''}</div>
              <div className="yw-muted">{label(SUPPLIER_SIZE, row.supplier.supplierSize)} · 协议 {row.agreementCode}</div>
              <PolicyTags tags={row.policyTags} />
              <Space style={{ marginTop: 8 }}>
                <InputNumber aria-label="数量" min={1} max={row.stock} value={quantities[row.offer.id] ?? 1} style={{ width: 72 }}
                  onChange={(value) => setQuantities({ ...quantities, [row.offer.id]: value ?? 1 })} />
                <Button type="primary" onClick={() => add(row.offer.id)}>加入购物车</Button>
              </Space>
            </Card>
            </List.Item>
          )}
        />
      ) : (
      <Table
        rowKey={(row) => row.offer.id}
        dataSource={comparison.offers}
        pagination={false}
        scroll={{ x: 900 }}
        size="middle"
        columns={[
          { title: '供应商', render: (_, row) => (
            <div>
              <div>{row.supplier.name} {row.isPlatform && <Tag>电商</Tag>} {row.lowest && <Tag color="red">最低价</Tag>}</div>
              <div className="yw-muted">{label(SUPPLIER_SIZE, row.supplier.supplierSize)} · 协议 {row.agreementCode}</div>
              <PolicyTags tags={row.policyTags} />
            </div>
          ) },
          { title: '协议价', render: (_, row) => <span className="yw-price"><Money value={row.offer.price} strong /></span> },
          { title: '最高限价', render: (_, row) => <Money value={row.ceiling} /> },
          { title: '电商价', render: (_, row) => <Money value={row.offer.marketPrice} /> },
          { title: '较限价节省', render: (_, row) => <Money value={row.savingVsCeiling} /> },
          { title: '较电商节省', render: (_, row) => <Money value={row.savingVsMarket} /> },
          { title: '库存', dataIndex: 'stock' },
          { title: '评价', render: (_, row) => row.rating ? (
            <span title={`质量 ${row.rating.quality} · 交付 ${row.rating.delivery} · 服务 ${row.rating.service}`}>
              <Rate disabled allowHalf value={Math.round(Number(row.rating.overall) * 2) / 2} style={{ fontSize: 12 }} /> {row.rating.overall}（{row.rating.ratings}）
            </span>
          ) : '暂无' },
          { title: '购买', render: (_, row) => (
            <Space>
              <InputNumber aria-label="数量" min={1} max={row.stock} value={quantities[row.offer.id] ?? 1} style={{ width: 64 }}
                onChange={(value) => setQuantities({ ...quantities, [row.offer.id]: value ?? 1 })} />
              <Button type="primary" onClick={() => add(row.offer.id)}>加入购物车</Button>
            </Space>
          ) },
        ]}
      />
      )}
      {comparison.marketPrices.length > 0 && (
        <Card size="small" title="电商平台价格" style={{ marginTop: 16 }}>
          {comparison.marketPrices.map((m) => (
            <div key={m.platform.name}>{m.platform.name}：<Money value={m.price} /> <span className="yw-muted">（{formatDateTime(m.observedAt)}）</span></div>
          ))}
        </Card>
      )}

      <Row gutter={[24, 16]} style={{ marginTop: 24 }}>
        <Col xs={24} md={10}>
          <Typography.Title level={2} style={{ fontSize: 18 }}>规格参数</Typography.Title>
          <Descriptions column={1} size="small" bordered>
            {product.specs.map((spec) => (
              <Descriptions.Item key={spec.key} label={spec.key}>{specText(spec.value)}{spec.unit ?? ''}</Descriptions.Item>
            ))}
          </Descriptions>
        </Col>
        <Col xs={24} md={14}>
          <Typography.Title level={2} style={{ fontSize: 18 }}>近 90 天价格走势</Typography.Title>
          <Suspense fallback={<Skeleton active />}>{series.length ? <PriceChart series={series} /> : <Empty description="暂无价格记录" />}</Suspense>
        </Col>
      </Row>
    </>
  );
}

function specText(value: string): string {
  if (value === 'true') return '是';
  if (value === 'false') return '否';
  return value;
}
