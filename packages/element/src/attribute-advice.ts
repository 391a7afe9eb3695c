/**
 * What the console tells an embedder whose markup does not do what it seems to: an attribute value
 * the element does not know, `autostart` that cannot start, an attribute misspelled. Each message
 * says what the element does instead. Said once per element and problem (`AttributeAdvisor`).
 */

/** The element's own attributes, each with the values it takes (`undefined`: any text; `[]`: boolean). */
const CHECK_ATTRIBUTES: Record<string, readonly string[] | undefined> = {
  'client-token': undefined,
  'api-base': undefined,
  'assets-base': undefined,
  autostart: [],
  'flash-consent': [],
  'no-flash': [],
  'positioning-timeout': undefined,
  mode: ['check', 'interview'],
};

/** Global HTML attributes and framework markers that are not the element's business. */
const GLOBAL = /^(id|class|style|lang|dir|hidden|tabindex|title|slot|part|role|inert|nonce|translate|autofocus|exportparts|popover|draggable|contenteditable|spellcheck|enterkeyhint|inputmode|is|key|ref|(data|aria)-.*|on.*|_ng.*|ng-.*|v-.*)$/;

/** The known name a misspelled one most likely meant (`client_token`, `clientToken`, `token`), if any. */
function meant(name: string): string | undefined {
  const plain = name.toLowerCase().replace(/[-_]/g, '');
  const known = Object.keys(CHECK_ATTRIBUTES).find((k) => k.replace(/-/g, '') === plain);
  if (known) return known;
  if (plain === 'token') return 'client-token';
  if (plain === 'nolight' || plain === 'noflashing') return 'no-flash';
  if (plain === 'timeout') return 'positioning-timeout';
  return undefined;
}

export const POSITIONING_TIMEOUT_RANGE = [5, 600] as const;

/** What the advice reads of an element (an `Element` has it all). */
export type AttributeSource = Pick<Element, 'getAttribute' | 'hasAttribute'> & { attributes: ArrayLike<{ name: string; value: string }> };

/** Everything amiss in `<liveproof-check>`'s attributes, as the console should say it. */
export function checkAttributeAdvice(element: AttributeSource): string[] {
  const advice: string[] = [];
  const tag = '<liveproof-check>';
  for (const { name, value } of Array.from(element.attributes)) {
    if (name in CHECK_ATTRIBUTES) {
      const allowed = CHECK_ATTRIBUTES[name];
      if (allowed?.length && !allowed.includes(value)) advice.push(`${tag}: \`${name}="${value}"\` is not a value it knows (${allowed.map((a) => `"${a}"`).join(' or ')}); it runs as \`${name}="${allowed[0]}"\`.`);
      continue;
    }
    if (GLOBAL.test(name) || name === 'clienttoken') continue; // `clienttoken` has its own advice (missingTokenAdvice)
    const guess = meant(name);
    advice.push(`${tag}: it has no \`${name}\` attribute, so it is ignored.${guess ? ` Did you mean \`${guess}\`?` : ` Its attributes: ${Object.keys(CHECK_ATTRIBUTES).join(', ')}.`}`);
  }
  const timeout = element.getAttribute('positioning-timeout');
  if (timeout !== null) {
    const seconds = Number(timeout);
    const [min, max] = POSITIONING_TIMEOUT_RANGE;
    if (!Number.isFinite(seconds) || seconds < min || seconds > max) advice.push(`${tag}: \`positioning-timeout="${timeout}"\` is not a number of seconds from ${min} to ${max}; it waits 60 s.`);
  }
  for (const name of ['api-base', 'assets-base']) {
    const url = element.getAttribute(name);
    if (url && !URL.canParse(url, globalThis.location?.href)) advice.push(`${tag}: \`${name}="${url}"\` is not a URL; the check will not reach the server.`);
  }
  if (element.hasAttribute('autostart') && !element.hasAttribute('flash-consent') && !element.hasAttribute('no-flash')) {
    advice.push(
      `${tag}: \`autostart\` is ignored: starting at once would skip the introduction, which warns about the flashing colours. Add \`flash-consent\` once your page has given that warning itself, or \`no-flash\` to check without flashing; the candidate now presses Start.`,
    );
  }
  return advice;
}

/** Says each piece of advice once per element, however often the attributes are looked at. */
export class AttributeAdvisor {
  readonly #said = new Set<string>();

  constructor(readonly advise: (element: AttributeSource) => string[]) {}

  review(element: AttributeSource): void {
    for (const text of this.advise(element)) {
      if (this.#said.has(text)) continue;
      this.#said.add(text);
      console.warn(text);
    }
  }
}
