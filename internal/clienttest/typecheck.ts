// tsc --noEmit over codegen's output and this file: the shipped documents'
// result types are what a TypeScript frontend relies on.
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { DashboardDocument, SignInDocument, HistoryDocument } from './gen/codegen/graphql.js';

type Dashboard = ResultOf<typeof DashboardDocument>;
type Sim = NonNullable<Dashboard['me']>['simCards'][number];

// Money amounts are Decimal strings, ICCIDs strings, times ISO strings.
export const amount: string = ({} as Sim)['balance']['amount'];
export const iccid: string = ({} as Sim)['iccid'];
export const vars: VariablesOf<typeof DashboardDocument> = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
export const signIn: VariablesOf<typeof SignInDocument> = { email: 'a@b.example', password: 'x' };
export const token: string | null | undefined = ({} as ResultOf<typeof SignInDocument>).login.token;
export const history: VariablesOf<typeof HistoryDocument> = { iccid: '89', first: 10 };
