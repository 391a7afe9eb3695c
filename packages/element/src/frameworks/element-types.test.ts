/// <reference types="vite/client" />
// The framework declarations must say what the elements really take and fire. Each list below is
// checked twice: by the type-checker against the derived types (`satisfies` a record of exactly
// their keys), and here against the element itself (Lit's attributes and properties, and the event
// classes its source dispatches). A new attribute or event that the types miss fails one or the other.
import { describe, expect, it } from 'vitest';
import { LiveproofBadgeChangeEvent } from '../events/badge-change.ts';
import { LiveproofCompleteEvent } from '../events/complete.ts';
import { LiveproofErrorEvent } from '../events/error.ts';
import { LiveproofPromptEvent } from '../events/prompt.ts';
import { LiveproofStateEvent } from '../events/state.ts';
import { LiveproofBadge } from '../liveproof-badge.ts';
import badgeSource from '../liveproof-badge.ts?raw';
import { LiveproofCheck } from '../liveproof-check.ts';
import checkSource from '../liveproof-check.ts?raw';
import type { ElementAttributes, ElementProperties, LiveproofBadgeEvents, LiveproofCheckEvents } from './element-types.ts';
import type { LiveproofReactProps } from './react.ts';
import type { LiveproofVueProps } from './vue.ts';

type Exactly<T> = Record<keyof T, true>;

const CHECK = {
  attributes: { 'client-token': true, 'api-base': true, 'assets-base': true, autostart: true, 'no-flash': true, 'flash-consent': true, 'positioning-timeout': true, mode: true } satisfies Exactly<ElementAttributes<typeof LiveproofCheck>>,
  properties: { clientToken: true, apiBase: true, assetsBase: true, autostart: true, noFlash: true, flashConsent: true, positioningTimeout: true, stream: true, tokenProvider: true, mode: true } satisfies Exactly<ElementProperties<typeof LiveproofCheck>>,
  events: { 'liveproof-state': true, 'liveproof-prompt': true, 'liveproof-complete': true, 'liveproof-error': true } satisfies Exactly<LiveproofCheckEvents>,
};

const BADGE = {
  attributes: { token: true, jwks: true, issuer: true, audience: true, 'api-base': true, 'session-id': true, 'viewer-token': true, 'allow-recheck': true } satisfies Exactly<ElementAttributes<typeof LiveproofBadge>>,
  properties: { token: true, jwks: true, issuer: true, audience: true, apiBase: true, sessionId: true, viewerToken: true, allowRecheck: true } satisfies Exactly<ElementProperties<typeof LiveproofBadge>>,
  events: { 'liveproof-badge-change': true } satisfies Exactly<LiveproofBadgeEvents>,
};

const EVENT_NAMES: Record<string, string> = Object.fromEntries(
  [LiveproofStateEvent, LiveproofPromptEvent, LiveproofCompleteEvent, LiveproofErrorEvent, LiveproofBadgeChangeEvent].map((event) => [event.name, event.type]),
);

/** The events a source file dispatches, by the event classes it constructs in `dispatchEvent(…)`. */
const dispatched = (source: string) => [...new Set([...source.matchAll(/dispatchEvent\(new (\w+)\(/g)].map((match) => EVENT_NAMES[match[1] ?? ''] ?? match[0]))];

/** Lit's public reactive properties (not `state: true`). */
const publicProperties = (element: typeof LiveproofCheck | typeof LiveproofBadge) => {
  void element.observedAttributes; // finalizes the class
  return [...element.elementProperties].filter(([, options]) => !options.state).map(([name]) => String(name));
};

const sorted = (names: Iterable<string>) => [...names].sort();

describe.each([
  ['<liveproof-check>', LiveproofCheck, checkSource, CHECK],
  ['<liveproof-badge>', LiveproofBadge, badgeSource, BADGE],
] as const)('the framework types of %s', (_, element, source, expected) => {
  it('name the attributes the element observes', () => {
    expect(sorted(Object.keys(expected.attributes))).toEqual(sorted(element.observedAttributes));
  });

  it('name its public properties', () => {
    expect(sorted(Object.keys(expected.properties))).toEqual(sorted(publicProperties(element)));
  });

  it('name the events it dispatches', () => {
    expect(sorted(Object.keys(expected.events))).toEqual(sorted(dispatched(source)));
  });
});

// React 19: properties with their own types, attributes, and `on` + the event's exact name.
export const reactProps: LiveproofReactProps<'liveproof-check'> = {
  'client-token': 'token',
  'no-flash': true,
  tokenProvider: async () => 'token',
  className: 'check',
  'onliveproof-complete': (event) => void (event.detail.token satisfies string),
  'onliveproof-error': (event) => void (event.detail.retryable satisfies boolean),
};
// @ts-expect-error: the badge's event is not the check's
export const reactWrongEvent: LiveproofReactProps<'liveproof-check'> = { 'onliveproof-badge-change': () => undefined };
// @ts-expect-error: a listener of another event's class
export const reactWrongClass: LiveproofReactProps<'liveproof-check'> = { 'onliveproof-complete': (event: LiveproofErrorEvent) => void event };
// @ts-expect-error: the stream is a property only, no attribute carries it
export const reactNoStreamAttribute: LiveproofReactProps<'liveproof-check'> = { stream: 'camera' };

// Vue: `@liveproof-complete` is the prop `onLiveproofComplete`.
export const vueProps: LiveproofVueProps<'liveproof-badge'> = {
  issuer: 'https://liveproof.example',
  'allow-recheck': true,
  class: 'badge',
  onLiveproofBadgeChange: (event) => void (event.detail.status satisfies string),
};
// @ts-expect-error: positioning-timeout is a number
export const vueWrongType: LiveproofVueProps<'liveproof-check'> = { 'positioning-timeout': 'soon' };
