// graphql-codegen's client-preset over every document the project ships
// (graph/documents) and the suite's own (documents/): typed documents for
// tsc, and persisted-documents.json, the manifest a trusted server loads
// (TEZ_TRUSTED_MANIFESTS). The schema comes from the running server.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: process.env.TEZ_SCHEMA ?? 'gen/schema.graphql',
  documents: ['../../graph/documents/*.graphql', 'documents/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'gen/codegen/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          Date: 'string',
          Decimal: 'string',
          ICCID: 'string',
          Int64: 'number',
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
