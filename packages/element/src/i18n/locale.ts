/**
 * Which language the elements speak, and its catalogue. English is built in; every other language
 * is its own module, fetched only by a page that shows it (the bytes each adds are in the README).
 */
import { en, type Catalogue } from './en.ts';
import { formatFor, type Format } from './format.ts';

export const LANGUAGES = ['en', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A language ready to show: its catalogue, its writing direction and its formats. */
export interface Locale {
  lang: Language;
  dir: 'ltr' | 'rtl';
  m: Catalogue;
  f: Format;
}

const make = (lang: Language, m: Catalogue): Locale => ({ lang, dir: m.dir, m, f: formatFor(lang) });

export const ENGLISH: Locale = make('en', en);

const LOADERS: Record<Exclude<Language, 'en'>, () => Promise<{ default: Catalogue }>> = {
  es: () => import('./es.ts'),
  ar: () => import('./ar.ts'),
};

/**
 * The shipped language for a BCP 47 tag: itself, else its primary language (`es-MX` is `es`), else
 * English. Matching ignores case, as language tags do.
 */
export function pickLanguage(tag: string | null | undefined): Language {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : 'en';
}

const loaded = new Map<Language, Promise<Locale>>([['en', Promise.resolve(ENGLISH)]]);

/** The locale for `lang`, loading its module once per page; English if it cannot be loaded. */
export function loadLocale(lang: Language): Promise<Locale> {
  let locale = loaded.get(lang);
  if (!locale) {
    locale = LOADERS[lang as Exclude<Language, 'en'>]().then(
      (module) => make(lang, module.default),
      () => ENGLISH,
    );
    loaded.set(lang, locale);
  }
  return locale;
}
