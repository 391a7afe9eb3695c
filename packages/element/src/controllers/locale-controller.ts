/**
 * The language an element speaks: HTML's own `lang`, on the element or the nearest ancestor that
 * has one (the page's `<html lang>` usually), followed as it changes. A language not shipped falls
 * back to its primary language, then English.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { pickLanguage, type Language, type Locale } from '../i18n/locale.ts';

type Host = ReactiveControllerHost & HTMLElement;

/** The nearest `lang`, looking out of shadow roots too (an element inside another component's). */
function languageOf(element: Element): string {
  let node: Element | null = element;
  while (node) {
    const marked = node.closest('[lang]');
    if (marked) return marked.getAttribute('lang') ?? '';
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return '';
}

/** Follows the host's language with `load` (the check's catalogue, or the badge's), English at first. */
export class LocaleController<L extends Locale = Locale> implements ReactiveController {
  #locale: L;
  #wanted: Language = 'en';
  /** The wanted language's catalogue while it loads; undefined once it is in. */
  #loading: Promise<void> | undefined;
  #observer: MutationObserver | undefined;

  constructor(
    readonly host: Host,
    readonly load: (lang: Language) => Promise<L>,
    english: L,
  ) {
    this.#locale = english;
    host.addController(this);
  }

  /** The language shown now. */
  get locale(): L {
    return this.#locale;
  }

  /** While the wanted language's catalogue loads, what settles when it is in; otherwise undefined. */
  get loading(): Promise<void> | undefined {
    return this.#loading;
  }

  hostConnected(): void {
    this.#follow();
    // Any `lang` in the document may be the one that applies (or come to apply): cheap to watch,
    // since only that attribute is observed.
    this.#observer ??= new MutationObserver(() => this.#follow());
    this.#observer.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['lang'] });
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }

  #follow(): void {
    const wanted = pickLanguage(languageOf(this.host));
    if (wanted === this.#wanted && this.#locale.lang === wanted) return;
    this.#wanted = wanted;
    const loading = (this.#loading = this.load(wanted).then((locale) => {
      if (this.#loading === loading) this.#loading = undefined;
      if (this.#wanted !== wanted) return;
      this.#locale = locale;
      this.host.requestUpdate();
    }));
  }
}
