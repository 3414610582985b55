import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { graphql } from '../gql';
import { saveSession } from '../lib/session';
import { errorMessage } from '../lib/errors';

const Login = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { code field message }
    }
  }
`);

const RoleOf = graphql(`
  query RoleOf { me { role username } }
`);

export default function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [login, { loading, client }] = useMutation(Login);
  const [errors, setErrors] = useState<string[]>([]);
  const next = params.get('next');

  const submit = async (values: { username: string; password: string }) => {
    setErrors([]);
    try {
      const { data } = await login({ variables: { input: values } });
      const tokens = data?.login.tokens;
      if (!tokens) {
        setErrors((data?.login.errors ?? []).map(errorMessage));
        return;
      }
      saveSession({ ...tokens, username: values.username, role: 'PURCHASER' });
      const me = await client.query({ query: RoleOf, fetchPolicy: 'network-only' });
      saveSession({ ...tokens, username: me.data.me.username, role: me.data.me.role });
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch {
      setErrors(['无法连接服务器，请稍后再试']);
    }
  };

  return (
    <main style={{ display: 'flex', justifyContent: 'center', padding: '10vh 16px', background: '#f5f5f5', minHeight: '100vh', boxSizing: 'border-box' }}>
      <Card style={{ width: 380, maxWidth: '100%', height: 'fit-content' }}>
        <Typography.Title level={1} style={{ fontSize: 22 }}>一网 · 政府采购电子卖场</Typography.Title>
        <Typography.Paragraph className="yw-muted">采购人登录</Typography.Paragraph>
        {params.get('expired') && <Alert type="info" showIcon message="登录已过期，请重新登录，登录后返回原页面。" style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {errors.length > 0 && <Alert role="alert" type="error" showIcon message={errors.join('；')} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={loading}>登录</Button>
        </Form>
      </Card>
    </main>
  );
}
