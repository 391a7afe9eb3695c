/**
 * The badge's languages: the check's catalogue (prompts, challenge names, reasons) with the badge's
 * own words. A module of its own, so that the check's bundle never holds the badge's words.
 */
import { badgeEn, type BadgeCatalogue } from './badge-en.ts';
import { ENGLISH, loadLocale, type Language, type Locale } from './locale.ts';

/** The badge's locale: the check's (prompts, challenge names, reasons) with the badge's own words in `b`. */
export interface BadgeLocale extends Locale {
  b: BadgeCatalogue;
}

export const BADGE_ENGLISH: BadgeLocale = { ...ENGLISH, b: badgeEn };

const BADGE_LOADERS: Record<Exclude<Language, 'en'>, () => Promise<{ default: BadgeCatalogue }>> = {
  es: () => import('./badge-es.ts'),
  ar: () => import('./badge-ar.ts'),
};

const badgeLoaded = new Map<Language, Promise<BadgeLocale>>([['en', Promise.resolve(BADGE_ENGLISH)]]);

/** The badge's locale for `lang`, both its modules loaded once per page; English if either cannot be. */
export function loadBadgeLocale(lang: Language): Promise<BadgeLocale> {
  let locale = badgeLoaded.get(lang);
  if (!locale) {
    locale = Promise.all([loadLocale(lang), BADGE_LOADERS[lang as Exclude<Language, 'en'>]()]).then(
      ([check, module]) => (check.lang === lang ? { ...check, b: module.default } : BADGE_ENGLISH),
      () => BADGE_ENGLISH,
    );
    badgeLoaded.set(lang, locale);
  }
  return locale;
}
