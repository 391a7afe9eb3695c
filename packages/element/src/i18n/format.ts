/** Numbers, plurals and times in the language shown, through `Intl` (no hand-made formats). */
export interface Format {
  /** The language's BCP 47 tag, as `Intl` takes it. */
  lang: string;
  number(n: number): string;
  /** The plural category of `n` (`one`, `few`, `many`…): Arabic has six, English two. */
  plural(n: number): Intl.LDMLPluralRule;
  /** "5 minutes ago", coarse on purpose: minutes under an hour, hours under two days, then days. */
  ago(fromSeconds: number, nowMs: number): string;
  /** "a, b and c". */
  list(items: string[]): string;
}

export function formatFor(lang: string): Format {
  const number = new Intl.NumberFormat(lang);
  const plural = new Intl.PluralRules(lang);
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const list = new Intl.ListFormat(lang, { type: 'conjunction' });
  return {
    lang,
    number: (n) => number.format(n),
    plural: (n) => plural.select(n),
    ago(fromSeconds, nowMs) {
      const minutes = Math.floor((nowMs / 1000 - fromSeconds) / 60);
      if (minutes < 60) return relative.format(-Math.max(minutes, 0), 'minute');
      const hours = Math.floor(minutes / 60);
      return hours < 48 ? relative.format(-hours, 'hour') : relative.format(-Math.floor(hours / 24), 'day');
    },
    list: (items) => list.format(items),
  };
}
