import { Tag } from 'antd';
import { POLICY_TAG, label } from '../lib/labels';

export function PolicyTags({ tags }: { tags: readonly string[] }) {
  return (
    <>
      {tags.map((tag) => (
        <Tag key={tag} color={tag === 'POVERTY_832' ? 'orange' : 'green'}>{label(POLICY_TAG, tag)}</Tag>
      ))}
    </>
  );
}
