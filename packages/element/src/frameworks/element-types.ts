/**
 * What each element takes and fires, as types derived from the element classes, for the framework
 * declarations beside this file (react.ts, vue.ts). The properties are the keys of Lit's
 * `static properties` less the `_` internal state, typed as the class declares them; the attributes
 * are the same names in kebab-case, for those whose values an attribute can carry; the events are
 * named by each event class's own `type`. element-types.test.ts checks them against the elements.
 */
import type { LiveproofBadgeChangeEvent } from '../events/badge-change.ts';
import type { LiveproofCompleteEvent } from '../events/complete.ts';
import type { LiveproofErrorEvent } from '../events/error.ts';
import type { LiveproofPromptEvent } from '../events/prompt.ts';
import type { LiveproofStateEvent } from '../events/state.ts';
import type { LiveproofBadge } from '../liveproof-badge.ts';
import type { LiveproofCheck } from '../liveproof-check.ts';

/** A Lit element's class: its `static properties` and its instances. */
interface ReactiveElementClass {
  readonly properties: object;
  readonly prototype: HTMLElement;
}

/** An event class with its name as `static type`. */
interface EventClass {
  readonly type: string;
  readonly prototype: Event;
}

/** The public reactive properties' names. */
type PropertyName<C extends ReactiveElementClass> = Exclude<keyof C['properties'], `_${string}`> & keyof C['prototype'] & string;

/** `noFlash` → `no-flash`: the attribute names the elements give their properties. */
export type KebabCase<S extends string> = S extends `${infer First}${infer Rest}` ? `${First extends Lowercase<First> ? First : `-${Lowercase<First>}`}${KebabCase<Rest>}` : S;

/** `liveproof-complete` → `liveproofComplete`. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** Every public reactive property, optional, with the type the class declares. */
export type ElementProperties<C extends ReactiveElementClass> = { [K in PropertyName<C>]?: C['prototype'][K] };

/** The attributes: the properties an attribute can carry (a string, number or boolean), by their kebab-case names. */
export type ElementAttributes<C extends ReactiveElementClass> = {
  [K in PropertyName<C> as C['prototype'][K] extends string | number | boolean | undefined ? KebabCase<K> : never]?: C['prototype'][K];
};

/** Events by name, each with its class. */
export type EventsOf<C extends EventClass> = { [E in C as E['type']]: E['prototype'] };

export type LiveproofCheckEvents = EventsOf<typeof LiveproofStateEvent | typeof LiveproofPromptEvent | typeof LiveproofCompleteEvent | typeof LiveproofErrorEvent>;
export type LiveproofBadgeEvents = EventsOf<typeof LiveproofBadgeChangeEvent>;

/** Each tag with its class and the events it fires: the one list the framework declarations map over. */
export interface LiveproofElements {
  'liveproof-check': { class: typeof LiveproofCheck; events: LiveproofCheckEvents };
  'liveproof-badge': { class: typeof LiveproofBadge; events: LiveproofBadgeEvents };
}

export type LiveproofTag = keyof LiveproofElements;
