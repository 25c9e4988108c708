// The ICCID rules of internal/iccid, checked as the customer types:
// 19 or 20 digits, 89 first, a Luhn check digit last.
import { t } from './i18n';

export function luhnOk(s: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = s.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** What to tell about a typed ICCID (spaces ignored), and whether it is well-formed. */
export function checkIccid(typed: string): { ok: boolean; say: string } {
  const s = typed.replace(/\s+/g, '');
  if (!s) return { ok: false, say: '' };
  if (!/^\d+$/.test(s)) return { ok: false, say: t('iccidDigits') };
  if (!'89'.startsWith(s.slice(0, 2))) return { ok: false, say: t('iccidPrefix') };
  if (s.length < 19) return { ok: false, say: t('iccidLength', { count: s.length }) };
  if (s.length > 20) return { ok: false, say: t('iccidLength', { count: s.length }) };
  if (!luhnOk(s)) return { ok: false, say: t('iccidCheck') };
  return { ok: true, say: t('iccidOk') };
}
