import { Alert } from 'antd';

/** Mutation errors in Chinese, announced to screen readers. */
export function ErrorList({ messages, testId }: { messages: string[]; testId?: string }) {
  if (!messages.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid={testId}
      message={messages.length === 1 ? messages[0] : <ul className="yw-errors">{messages.map((m) => <li key={m}>{m}</li>)}</ul>}
      style={{ marginTop: 8 }}
    />
  );
}
