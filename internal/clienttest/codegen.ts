// graphql-codegen's client-preset over every document the project ships
// (graph/documents) and the suite's own (documents/): typed documents for
// tsc, and persisted-documents.json, the manifest a trusted server loads
// (TEZ_TRUSTED_MANIFESTS). The schema comes from the running server.
import type { CodegenConfig } from '@graphql-codegen/cli';

const presetConfig = {
  fragmentMasking: false as const,
  persistedDocuments: { hashAlgorithm: 'sha256' as const },
};

const config = {
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
};

const codegen: CodegenConfig = {
  schema: process.env.TEZ_SCHEMA ?? 'gen/schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'gen/codegen/': {
      documents: ['../../graph/documents/*.graphql', '!../../graph/documents/dashboard-first-shipped.graphql', 'documents/*.graphql'],
      preset: 'client',
      presetConfig,
      config,
    },
    // A frontend still on the dashboard as first shipped: a project of its
    // own, since one project cannot hold two operations named Dashboard.
    'gen/codegen-first-shipped/': {
      documents: ['../../graph/documents/dashboard-first-shipped.graphql'],
      preset: 'client',
      presetConfig,
      config,
    },
  },
};

export default codegen;
