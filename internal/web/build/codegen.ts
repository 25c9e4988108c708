// graphql-codegen's client preset over the account's operations
// (documents/*.graphql) and the schema files themselves, so go generate
// needs no running server. It writes typed documents (src/gql/) and
// persisted-documents.json, the manifest tez trusts by default.
import type { CodegenConfig } from '@graphql-codegen/cli';

const codegen: CodegenConfig = {
  schema: '../../../schema/*.graphqls',
  documents: ['documents/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        strictScalars: true,
        scalars: { DateTime: 'string', Date: 'string', Decimal: 'string', ICCID: 'string', Int64: 'number' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};
export default codegen;
