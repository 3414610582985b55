// Audit a GraphQL endpoint against the GraphQL over HTTP spec with graphql-http's `auditServer`.
// Usage: node .ci/audit.mjs http://127.0.0.1:8765/graphql
// Exits non-zero unless every audit (MUST, SHOULD and MAY alike) comes back `ok`.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node .ci/audit.mjs <graphql-url>');
  process.exit(2);
}

const results = await auditServer({ url });
results.sort((a, b) => a.id.localeCompare(b.id));

for (const result of results) {
  let line = `${result.id}  ${result.status.padEnd(6)}  ${result.name}`;
  if (result.status !== 'ok') {
    const { status, headers } = result.response;
    line += ` -- ${result.reason} (got ${status}, ${headers.get('content-type') ?? 'no content-type'})`;
  }
  console.log(line);
}

const passed = results.filter((result) => result.status === 'ok').length;
const failed = results.length - passed;
console.log(`audit: ${passed} passed, ${failed} failed`);
// Failed audits hold unread response bodies that would keep the process alive a while.
process.exit(failed === 0 ? 0 : 1);
