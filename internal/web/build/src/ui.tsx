// The pieces every screen is made of: queries and mutations as hooks,
// form fields that show the API's userErrors beside them, and the live
// regions screen readers announce.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AnyVariables, CombinedError, RequestPolicy, TypedDocumentNode } from '@urql/core';
import { client, errorText } from './client';
import { t, userError } from './i18n';

export type Problem = { field?: readonly string[] | null; message: string; code: string };

export function useQuery<D, V extends AnyVariables>(
  doc: TypedDocumentNode<D, V>,
  vars: V,
  opts: { pause?: boolean; requestPolicy?: RequestPolicy } = {},
) {
  const [state, setState] = useState<{ data?: D; error?: CombinedError; fetching: boolean }>({ fetching: !opts.pause });
  const key = JSON.stringify(vars);
  useEffect(() => {
    if (opts.pause) return;
    setState((s) => ({ ...s, fetching: true }));
    const sub = client
      .query(doc, vars, { requestPolicy: opts.requestPolicy ?? 'cache-first' })
      .subscribe((r) => setState({ data: r.data, error: r.error, fetching: false }));
    return () => sub.unsubscribe();
  }, [key, opts.pause, client]);
  return state;
}

/** A mutation run by a form: busy while it runs, its userErrors and error kept. */
export function useMutation<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>) {
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState('');
  async function run(vars: V, pick: (d: D) => { userErrors: readonly Problem[] } | null | undefined): Promise<D | null> {
    setBusy(true);
    setError('');
    setProblems([]);
    const r = await client.mutation(doc, vars).toPromise();
    setBusy(false);
    if (r.error || !r.data) {
      setError(errorText(r.error, t));
      return null;
    }
    const errs = pick(r.data)?.userErrors ?? [];
    if (errs.length) {
      setProblems([...errs]);
      return null;
    }
    return r.data;
  }
  return { busy, problems, error, run, setProblems };
}

/** The problem with a field (the last element of its path), if any, in the page's language. */
export function problemFor(problems: Problem[], name: string): string {
  return problems
    .filter((p) => p.field && p.field[p.field.length - 1] === name)
    .map(userError)
    .join(' ');
}

/** Problems naming no field of the form: shown above it. */
export function generalProblems(problems: Problem[], names: string[]): string {
  return problems
    .filter((p) => !p.field || !names.includes(p.field[p.field.length - 1]))
    .map(userError)
    .join(' ');
}

let fieldSeq = 0;

export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  autocomplete?: string;
  hint?: string;
  problem?: string;
  live?: string;
  required?: boolean;
  inputmode?: 'numeric' | 'decimal' | 'email' | 'tel' | 'text';
}) {
  const id = useRef(`f${++fieldSeq}`).current;
  const described = [props.hint && `${id}-hint`, props.live && `${id}-live`, props.problem && `${id}-err`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        {!props.required && <span class="muted"> {t('optional')}</span>}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        autoComplete={props.autocomplete}
        inputMode={props.inputmode}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {props.live !== undefined && (
        <p class="hint" id={`${id}-live`} aria-live="polite">
          {props.live}
        </p>
      )}
      {props.problem && (
        <p class="error" id={`${id}-err`}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

/** An error for the whole form or screen, announced as it appears. */
export function Alert({ text }: { text: string }) {
  return (
    <div role="alert" class={text ? 'alert' : 'sr-only'}>
      {text}
    </div>
  );
}

/** A done-notice, announced politely. */
export function Notice({ text }: { text: string }) {
  return (
    <p role="status" class={text ? 'notice' : 'sr-only'}>
      {text}
    </p>
  );
}

export function Loading() {
  return (
    <p role="status" class="muted">
      {t('loading')}
    </p>
  );
}

export function Page(props: { title: string; children: ComponentChildren }) {
  const h = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${t('appName')}`;
    // The route changed: screen readers start at the new heading.
    h.current?.focus();
  }, [props.title]);
  return (
    <>
      <h1 tabIndex={-1} ref={h}>
        {props.title}
      </h1>
      {props.children}
    </>
  );
}

export function Button(props: { busy?: boolean; children: ComponentChildren; kind?: 'secondary' | 'danger'; onClick?: () => void; type?: 'button' | 'submit' }) {
  return (
    <button type={props.type ?? 'submit'} class={props.kind ?? ''} disabled={props.busy} aria-busy={props.busy ? 'true' : undefined} onClick={props.onClick}>
      {props.busy ? t('saving') : props.children}
    </button>
  );
}

/** A form's Save, busy while the form saves, and Cancel. */
export function SaveCancel(props: { busy: boolean; onCancel: () => void }) {
  return (
    <div class="actions">
      <Button busy={props.busy}>{t('save')}</Button>
      <Button type="button" kind="secondary" onClick={props.onCancel}>
        {t('cancel')}
      </Button>
    </div>
  );
}

/**
 * A button that acts on one thing of a list: its name follows the label for
 * screen readers ("Remove" is read "Remove Travel"), and with ask the
 * customer confirms first.
 */
export function ActionButton(props: { label: string; name?: string; kind?: 'secondary' | 'danger'; busy?: boolean; ask?: string; onClick: () => unknown }) {
  return (
    <Button
      type="button"
      kind={props.kind ?? 'secondary'}
      busy={props.busy}
      onClick={() => {
        if (!props.ask || confirm(props.ask)) props.onClick();
      }}
    >
      {props.label}
      {props.name && <span class="sr-only"> {props.name}</span>}
    </Button>
  );
}

/** A table with a heading for each of cols; children are its rows. */
export function Table(props: { caption?: string; cols: string[]; children: ComponentChildren }) {
  return (
    <table>
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {props.cols.map((c, i) => (
            <th scope="col" key={i}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
