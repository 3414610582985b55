import { useQuery } from '@apollo/client';
import { Card, Col, Input, Row, Skeleton, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useNavigate } from 'react-router-dom';
import { graphql } from '../gql';
import { PolicyTags } from '../components/PolicyTags';

const Home = graphql(`
  query Home {
    me { organisation { name regionCode } }
    halls { id slug name regionCode description policyTags }
    categories { code name children { code name children { code name children { code name } } } }
  }
`);

interface CategoryNode {
  code: string;
  name: string;
  children?: CategoryNode[];
}

function toTree(nodes: readonly CategoryNode[]): DataNode[] {
  return nodes.map((node) => ({ key: node.code, title: `${node.name}`, children: toTree(node.children ?? []) }));
}

/** The unit's own region first, then its province, then the rest. */
function regionRank(hallRegion: string, own: string): number {
  if (hallRegion === own) return 0;
  if (hallRegion.slice(0, 2) === own.slice(0, 2)) return 1;
  return 2;
}

export default function HomePage() {
  const { data, loading } = useQuery(Home);
  const navigate = useNavigate();
  const own = data?.me.organisation.regionCode ?? '';
  const halls = [...(data?.halls ?? [])].sort((a, b) => regionRank(a.regionCode, own) - regionRank(b.regionCode, own));

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>欢迎，{data?.me.organisation.name ?? '采购人'}</Typography.Title>
      <Input.Search
        aria-label="搜索商品"
        size="large"
        placeholder="搜索商品、品牌、型号，如“联想 台式机”"
        enterButton="搜索"
        style={{ maxWidth: 640, marginBottom: 24 }}
        onSearch={(value) => navigate(`/search?q=${encodeURIComponent(value)}`)}
      />
      <Row gutter={[24, 24]}>
        <Col xs={24} md={16}>
          <Typography.Title level={2} style={{ fontSize: 18 }}>特色专馆</Typography.Title>
          {loading && !data ? <Skeleton active /> : (
            <Row gutter={[16, 16]}>
              {halls.map((hall) => (
                <Col xs={24} sm={12} key={hall.slug}>
                  <Card
                    hoverable
                    title={hall.name}
                    onClick={() => navigate(`/search?hall=${encodeURIComponent(hall.id)}&hallName=${encodeURIComponent(hall.name)}`)}
                    extra={regionRank(hall.regionCode, own) === 0 ? <span className="yw-muted">本地</span> : null}
                  >
                    <Typography.Paragraph ellipsis={{ rows: 2 }}>{hall.description}</Typography.Paragraph>
                    <PolicyTags tags={hall.policyTags} />
                  </Card>
                </Col>
              ))}
            </Row>
          )}
        </Col>
        <Col xs={24} md={8}>
          <Typography.Title level={2} style={{ fontSize: 18 }}>品目分类</Typography.Title>
          <Card>
            {data ? (
              <Tree
                aria-label="品目分类"
                treeData={toTree(data.categories)}
                defaultExpandedKeys={data.categories.flatMap((c) => [c.code, ...c.children.map((d) => d.code)])}
                onSelect={(keys, info) => {
                  if (keys[0]) navigate(`/search?category=${keys[0]}&categoryName=${encodeURIComponent(String(info.node.title))}`);
                }}
              />
            ) : <Skeleton active />}
          </Card>
        </Col>
      </Row>
    </>
  );
}
