import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents from the committed SDL: a schema change that breaks a query fails `npm run check`.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Decimal: 'string', DateTime: 'string', Date: 'string', JSON: 'unknown', Upload: 'File' },
      },
    },
  },
};
export default config;
