// Generates what the tests and tsc need from the running server
// (TEZ_URL): its schema, graphql-codegen's typed documents and manifest,
// and relay-compiler's artifacts and manifest.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { tez } from '../lib/tez.mjs';

const { data, errors } = await tez.post({ query: getIntrospectionQuery({ specifiedByUrl: true }) });
if (errors) throw new Error(`introspection: ${JSON.stringify(errors)}`);
mkdirSync('gen', { recursive: true });
writeFileSync('gen/schema.graphql', printSchema(buildClientSchema(data)) + '\n');

const run = (bin, ...args) => execFileSync(`node_modules/.bin/${bin}`, args, { stdio: 'inherit' });
run('graphql-codegen', '--config', 'codegen.ts', '--silent');
run('tsc', '-p', 'tsconfig.json');
// relay-compiler adds to the manifest only the artifacts it writes anew, and
// wants the file to exist: start both empty.
rmSync('gen/relay', { recursive: true, force: true });
mkdirSync('gen/relay', { recursive: true });
writeFileSync('gen/relay-persisted.json', '{}\n');
run('relay-compiler');
// relay-compiler's CommonJS artifacts require each other without an
// extension, as bundlers allow; Node resolves that for CommonJS only.
writeFileSync('gen/relay/package.json', '{ "type": "commonjs" }\n');
