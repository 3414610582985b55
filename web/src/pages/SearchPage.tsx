import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@apollo/client';
import { Alert, Button, Card, Checkbox, Col, Empty, Input, List, Radio, Row, Select, Space, Spin, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { graphql } from '../gql';
import { Money } from '../components/Money';
import { Highlight } from '../components/Highlight';
import { PolicyTags } from '../components/PolicyTags';
import { useDebounced } from '../lib/useDebounced';
import { readSearchState, toFilter } from '../lib/searchFilters';
import { FACET_NAME, label } from '../lib/labels';

const Search = graphql(`
  query Search($query: String!, $filter: SearchFilterInput, $sort: SearchSort!, $after: String) {
    search(query: $query, filter: $filter, sort: $sort, after: $after, first: 20,
           facets: ["category", "brand", "price_band", "policy_tag", "agreement", "hall"]) {
      totalCount
      facets { name values { value label count } }
      edges { node { titleHtml title brand model supplierName price { amount currency } marketPrice { amount currency } stock salesCount rating policyTags offerId productId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const SORTS = [
  { value: 'RELEVANCE', label: '综合' },
  { value: 'PRICE_ASC', label: '价格从低到高' },
  { value: 'PRICE_DESC', label: '价格从高到低' },
  { value: 'SALES', label: '销量' },
  { value: 'RATING', label: '评分' },
];

const PARAM_OF: Record<string, string> = {
  category: 'category', brand: 'brand', price_band: 'price', policy_tag: 'tag', agreement: 'agreement', hall: 'hall',
};
const MULTI = new Set(['brand', 'tag']);
const NARROW = typeof window !== 'undefined' && window.matchMedia?.('(max-width: 640px)').matches;

export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const state = readSearchState(params);
  const [typed, setTyped] = useState(state.q);
  const debounced = useDebounced(typed, 300);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);

  useEffect(() => {
    if (debounced !== state.q) update((p) => (debounced ? p.set('q', debounced) : p.delete('q')));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  useEffect(() => setTyped(params.get('q') ?? ''), [params]);

  const filter = useMemo(() => toFilter(state), [params]); // eslint-disable-line react-hooks/exhaustive-deps
  const after = cursors[cursors.length - 1];
  const { data, loading, error } = useQuery(Search, {
    variables: { query: state.q, filter, sort: state.sort as never, after },
    fetchPolicy: 'cache-first',
  });

  function update(change: (p: URLSearchParams) => void) {
    const next = new URLSearchParams(params);
    change(next);
    setCursors([null]);
    setParams(next, { replace: true });
  }

  const toggle = (facet: string, value: string) =>
    update((p) => {
      const key = PARAM_OF[facet];
      if (MULTI.has(key)) {
        const values = p.getAll(key);
        p.delete(key);
        const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
        next.forEach((v) => p.append(key, v));
      } else if (p.get(key) === value) p.delete(key);
      else p.set(key, value);
    });
  const isOn = (facet: string, value: string) => params.getAll(PARAM_OF[facet]).includes(value);
  const result = data?.search;
  const active = [...params.entries()].filter(([k]) => Object.values(PARAM_OF).includes(k));

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>商品搜索</Typography.Title>
      <Input.Search
        aria-label="搜索商品"
        placeholder="商品名、品牌、型号，支持拼音，如 lianxiang"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onSearch={(value) => update((p) => (value ? p.set('q', value) : p.delete('q')))}
        enterButton="搜索"
        allowClear
        style={{ maxWidth: 640 }}
      />
      <Space wrap style={{ margin: '12px 0' }}>
        {active.map(([key, value]) => (
          <Tag key={`${key}=${value}`} closable onClose={() => update((p) => {
            const rest = p.getAll(key).filter((v) => v !== value);
            p.delete(key);
            rest.forEach((v) => p.append(key, v));
          })}>
            {activeLabel(key, value, params)}
          </Tag>
        ))}
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={6}>
          {/* On a phone the facets fold away above the results. */}
          <details className="yw-facets" open={!NARROW}>
          <summary>筛选条件</summary>
          {(result?.facets ?? []).filter((f) => f.values.length).map((facet) => (
            <Card key={facet.name} size="small" title={label(FACET_NAME, facet.name)} style={{ marginBottom: 12 }} data-testid={`facet-${facet.name}`}>
              {facet.values.slice(0, 12).map((value) => (
                <div key={value.value}>
                  <Checkbox checked={isOn(facet.name, value.value)} onChange={() => toggle(facet.name, value.value)}>
                    {facetLabel(facet.name, value.value, value.label)} <span className="yw-muted">({value.count})</span>
                  </Checkbox>
                </div>
              ))}
            </Card>
          ))}
          </details>
        </Col>
        <Col xs={24} md={18}>
          <Space wrap style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }}>
            <span aria-live="polite" data-testid="total">{result ? `共 ${result.totalCount} 件商品` : '搜索中…'}</span>
            <Radio.Group className="yw-hide-mobile" optionType="button" value={state.sort} options={SORTS} onChange={(e) => update((p) => p.set('sort', e.target.value))} />
            <Select aria-label="排序" className="yw-show-mobile" value={state.sort} options={SORTS} style={{ width: 150 }} onChange={(value) => update((p) => p.set('sort', value))} />
          </Space>
          {error && <Alert type="error" message="搜索失败，请稍后再试" />}
          {loading && !result ? <Spin /> : result && result.totalCount === 0 ? (
            <Empty description={<NoResults query={state.q} filtered={active.length > 0} />} />
          ) : (
            <List
              dataSource={result?.edges ?? []}
              renderItem={({ node }) => (
                <List.Item key={node.offerId} data-testid="hit">
                  <List.Item.Meta
                    title={<Link className="yw-hit-title" to={`/products/${node.productId}`}><Highlight html={node.titleHtml} /></Link>}
                    description={
                      <Space wrap size={[8, 4]}>
                        <span>{node.supplierName}</span>
                        <span>库存 {node.stock}</span>
                        <span>销量 {node.salesCount}</span>
                        {node.rating && <span>评分 {node.rating}</span>}
                        <PolicyTags tags={node.policyTags} />
                      </Space>
                    }
                  />
                  <div style={{ textAlign: 'right' }}>
                    <div className="yw-price"><Money value={node.price} strong /></div>
                    {node.marketPrice && <div className="yw-muted">电商价 <Money value={node.marketPrice} /></div>}
                  </div>
                </List.Item>
              )}
            />
          )}
          <Space style={{ marginTop: 12 }}>
            <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>上一页</Button>
            <span>第 {cursors.length} 页</span>
            <Button disabled={!result?.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, result?.pageInfo.endCursor ?? null])}>下一页</Button>
          </Space>
        </Col>
      </Row>
    </>
  );
}

function facetLabel(facet: string, value: string, text: string): string {
  if (facet === 'agreement' && text === value) return `协议 #${value}`;
  if (facet === 'hall' && text === value) return `专馆 #${value}`;
  return text;
}

function activeLabel(key: string, value: string, params: URLSearchParams): string {
  const names: Record<string, string> = { category: '品目', brand: '品牌', price: '价格', tag: '政策', agreement: '协议', hall: '专馆' };
  const shown = (key === 'category' && params.get('categoryName')) || (key === 'hall' && params.get('hallName')) || value;
  return `${names[key]}：${key === 'tag' ? label({ SME: '中小企业', SMALL_MICRO: '小微企业', DISABLED_WELFARE: '残疾人福利单位', PRISON: '监狱企业', POVERTY_832: '832 扶贫' }, value) : shown}`;
}

function NoResults({ query, filtered }: { query: string; filtered: boolean }) {
  return (
    <div data-testid="no-results">
      <p>没有找到{query ? `与“${query}”相关的` : ''}商品。</p>
      <ul style={{ textAlign: 'left', display: 'inline-block' }}>
        {filtered && <li>去掉部分筛选条件再试</li>}
        <li>换个说法，例如“台式机”“台式计算机”，或只输入品牌（支持拼音 lianxiang）</li>
        <li>检查型号是否输入正确</li>
        <li>从首页的品目分类浏览</li>
      </ul>
    </div>
  );
}
