// The language (the browser's, or the one switched to) and the locale's
// ways of writing money, dates, byte counts and country names.
import { en, ru, type Messages } from './messages';
import userErrors from './usererrors.json';

export type Lang = 'en' | 'ru';
const catalogues: Record<Lang, Messages> = { en, ru };
const key = 'tez.lang';

// The mailed links' pages (internal/pages) keep the switched-to language in
// the tez_lang cookie: both follow the customer's last choice.
function initial(): Lang {
  const saved = localStorage.getItem(key) ?? document.cookie.match(/(?:^|;\s*)tez_lang=(en|ru)(?:;|$)/)?.[1];
  if (saved === 'en' || saved === 'ru') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'en') return base;
  }
  return 'en';
}

export let lang: Lang = initial();

export function setLang(l: Lang) {
  lang = l;
  localStorage.setItem(key, l);
  document.cookie = `tez_lang=${l}; path=/account; max-age=31536000; samesite=lax`;
  document.documentElement.lang = l;
}

export type Key = keyof Messages;

/** The text of key in the current language, {name} replaced from params. */
export function t(k: Key, params?: Record<string, string | number>): string {
  let s = catalogues[lang][k] ?? k;
  if (params) for (const [n, v] of Object.entries(params)) s = s.split(`{${n}}`).join(String(v));
  return s;
}

/** An enum value's words (status_VALUE), or the value itself for one added to the API since. */
export function enumText(prefix: string, value: string): string {
  const k = `${prefix}${value}`;
  return k in en ? t(k as Key) : value;
}

/** Money as the locale writes it; the amount stays a decimal string. */
export function money(m: { amount: string; currencyCode: string }): string {
  // format() takes the decimal string itself (Intl.NumberFormat v3): no float.
  return new Intl.NumberFormat(lang, { style: 'currency', currency: m.currencyCode }).format(m.amount as unknown as number);
}

export function dateTime(s: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(s));
}

export function date(s: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(s));
}

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];

/** A byte count in the largest unit that keeps it at 1 or more (1000-based, as operators bill). */
export function bytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: i ? 1 : 0 }).format(v);
}

export function country(code: string): string {
  try {
    return new Intl.DisplayNames(lang, { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * A userError in the current language. The API's message is English: en
 * shows it (it says exactly what is wrong); ru shows the catalogue's words
 * for the code on that field, or for the code, with the message's number
 * as {n}. A code the catalogue does not know yet shows the API's message.
 */
export function userError(p: { code: string; field?: readonly string[] | null; message: string }): string {
  if (lang === 'en' && p.message) return p.message;
  const words = (userErrors as Record<Lang, Record<string, string>>)[lang];
  const n = p.message.match(/\d+(?:[.,]\d+)?/)?.[0];
  const field = p.field?.[p.field.length - 1];
  for (const k of [`${p.code} ${field}`, p.code]) {
    const s = words[k];
    if (s && (n !== undefined || !s.includes('{n}'))) return s.replace('{n}', n ?? '');
  }
  return p.message;
}
