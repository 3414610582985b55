import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/graphiql.css';
import { EXAMPLES } from './examples';

// GraphiQL from our own bundle: it works on an offline or intranet machine (no CDN).
const fetcher = createGraphiQLFetcher({ url: '/graphql', subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql` });

const session = (() => {
  try {
    return JSON.parse(localStorage.getItem('yiwang.session') ?? 'null') as { accessToken?: string } | null;
  } catch {
    return null;
  }
})();
const headers = JSON.stringify({ Authorization: `Bearer ${session?.accessToken ?? '<accessToken from login>'}` }, null, 2);

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={EXAMPLES.map((example) => ({ query: example.query, headers }))}
    defaultHeaders={headers}
    defaultEditorToolsVisibility="headers"
    shouldPersistHeaders
    isHeadersEditorEnabled
  />,
);
