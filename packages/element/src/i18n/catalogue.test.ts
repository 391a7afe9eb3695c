import { describe, expect, it } from 'vitest';
import { CHALLENGE_IDS, REASON_TEXT, SIGNAL_TEXT } from '@liveproof/protocol';
import ar from './ar.ts';
import arBadge from './badge-ar.ts';
import { badgeEn } from './badge-en.ts';
import esBadge from './badge-es.ts';
import { en, type Catalogue } from './en.ts';
import es from './es.ts';
import { formatFor } from './format.ts';
import { loadBadgeLocale } from './badge-locale.ts';
import { LANGUAGES, loadLocale, pickLanguage } from './locale.ts';

/** Each language's two catalogues: the check's and the badge's. */
const CATALOGUES: Record<string, [Catalogue, typeof badgeEn]> = { es: [es, esBadge], ar: [ar, arBadge] };

/** Every key path in a catalogue, with what sits there: `string` or `function`. */
function shape(value: unknown, path = ''): Record<string, string> {
  if (typeof value !== 'object' || value === null) return { [path]: typeof value };
  return Object.assign({}, ...Object.entries(value).map(([key, inner]) => shape(inner, path ? `${path}.${key}` : key)));
}

/** Every string a catalogue holds, functions called with sample arguments. */
function texts(catalogue: object): string[] {
  // One argument that serves as a count, a text and the formats, whatever place a function gives it.
  const any = Object.assign(Object.create(formatFor('en')) as object, { valueOf: () => 3, toString: () => 'x' });
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'function') out.push(String((value as (...args: unknown[]) => unknown)(any, any, any, any)));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(catalogue);
  return out;
}

const words = (text: string) => text.trim().split(/\s+/).length;

describe('the message catalogues', () => {
  it.each(Object.keys(CATALOGUES))('%s has every key English has, and no other', (lang) => {
    const [check, badge] = CATALOGUES[lang]!;
    expect(shape(check)).toEqual(shape(en));
    expect(shape(badge)).toEqual(shape(badgeEn));
  });

  it('English covers every challenge, reason and risk signal the protocol has', () => {
    expect(Object.keys(en.prompts).sort()).toEqual([...CHALLENGE_IDS].sort());
    expect(Object.keys(en.labels).sort()).toEqual([...CHALLENGE_IDS].sort());
    expect(Object.keys(en.reasons).sort()).toEqual(Object.keys(REASON_TEXT).sort());
    expect(Object.keys(badgeEn.signals).sort()).toEqual(Object.keys(SIGNAL_TEXT).sort());
  });

  it.each(Object.keys(CATALOGUES))('%s leaves nothing empty and nothing in English', (lang) => {
    const translated = texts(CATALOGUES[lang]!);
    expect(translated.filter((t) => t.trim() === '')).toEqual([]);
    // Names (Esc, Chrome, Liveproof, WebGL) stay as they are; whole English sentences may not.
    const english = new Set(texts([en, badgeEn]).filter((t) => words(t) >= 3));
    expect(translated.filter((t) => english.has(t))).toEqual([]);
  });

  it('keeps every prompt short enough to read in the time a prompt allows', () => {
    // A candidate has 2.5 s to begin each action; the arrow and the introduction say the rest.
    for (const catalogue of [en, es, ar]) {
      const longest = Object.values(catalogue.prompts).sort((a, b) => b.length - a.length)[0]!;
      expect(words(longest), longest).toBeLessThanOrEqual(12);
      expect(longest.length, longest).toBeLessThanOrEqual(70);
    }
  });

  it('counts attempts with each language\'s plural forms and digits', () => {
    const say = (catalogue: Catalogue, lang: string, n: number) => catalogue.check.attemptsLeft(n, formatFor(lang));
    expect([1, 2].map((n) => say(en, 'en', n))).toEqual(['1 attempt left', '2 attempts left']);
    expect([1, 2].map((n) => say(es, 'es', n))).toEqual(['Queda 1 intento', 'Quedan 2 intentos']);
    // Arabic: one, two, few (3-10) and many (11-99) are four different phrases.
    const arabic = [1, 2, 3, 11].map((n) => say(ar, 'ar', n));
    expect(new Set(arabic).size).toBe(4);
    expect(arabic[2]).toContain(formatFor('ar').number(3));
  });

  it('says times as Intl does in each language', () => {
    const now = Date.UTC(2026, 11, 3, 12);
    expect(formatFor('en').ago(now / 1000 - 4 * 60, now)).toBe('4 minutes ago');
    expect(formatFor('es').ago(now / 1000 - 3 * 3600, now)).toBe('hace 3 horas');
    expect(formatFor('en').ago(now / 1000 - 3 * 86400, now)).toBe('3 days ago');
  });
});

describe('pickLanguage', () => {
  it('takes the shipped language, its primary language, or English', () => {
    expect(['es', 'es-MX', 'ES_es', 'ar-EG', 'AR', 'en-GB', 'fr', '', null, undefined].map(pickLanguage)).toEqual(['es', 'es', 'es', 'ar', 'ar', 'en', 'en', 'en', 'en', 'en']);
  });

  it('loads each shipped language with its direction', async () => {
    const locales = await Promise.all(LANGUAGES.map(loadLocale));
    expect(locales.map((l) => [l.lang, l.dir])).toEqual([
      ['en', 'ltr'],
      ['es', 'ltr'],
      ['ar', 'rtl'],
    ]);
    const badges = await Promise.all(LANGUAGES.map(loadBadgeLocale));
    expect(badges.map((l) => [l.lang, l.b.status.verified])).toEqual([
      ['en', 'Verified live'],
      ['es', 'Persona real verificada'],
      ['ar', 'تم التحقّق من الحضور'],
    ]);
  });
});
