/**
 * `@liveproof/element/vue`: `<liveproof-check>` and `<liveproof-badge>` as Vue 3 global components
 * for type-checking templates (vue-tsc, Vue's editor tooling), with their attributes, properties
 * and events (`@liveproof-complete`, …) typed. Types only: `import type {} from
 * '@liveproof/element/vue'` once in the app (or list it in tsconfig `types`); a project without Vue
 * never loads it. Vue must still be told they are custom elements (`isCustomElement`, see the README).
 */
import type { HTMLAttributes, PublicProps } from 'vue';
import type { CamelCase, ElementAttributes, ElementProperties, LiveproofElements, LiveproofTag } from './element-types.ts';

/** `@liveproof-complete` in a template is the prop `onLiveproofComplete` to Vue. */
export type VueEventProps<Events> = { [K in keyof Events & string as `on${Capitalize<CamelCase<K>>}`]?: (event: Events[K]) => void };

type OwnProps<Tag extends LiveproofTag> = ElementProperties<LiveproofElements[Tag]['class']> &
  ElementAttributes<LiveproofElements[Tag]['class']> &
  VueEventProps<LiveproofElements[Tag]['events']>;

/** The props of one element in a template: Vue's own for any HTML element and the element's. */
export type LiveproofVueProps<Tag extends LiveproofTag> = Omit<HTMLAttributes, keyof OwnProps<Tag>> & PublicProps & OwnProps<Tag>;

/**
 * A custom element as Vue's template type-checker sees a component: a class whose instances are
 * the element, with `$props` for what the template may pass (for the type-checker only: elements
 * have no `$props` at run time).
 */
export type LiveproofVueComponent<Tag extends LiveproofTag> = new () => HTMLElementTagNameMap[Tag] & { $props: LiveproofVueProps<Tag> };

export type LiveproofVueComponents = { [Tag in LiveproofTag]: LiveproofVueComponent<Tag> };

declare module 'vue' {
  interface GlobalComponents extends LiveproofVueComponents {}
}
