/**
 * `@liveproof/element/react`: `<liveproof-check>` and `<liveproof-badge>` in React 19's JSX, with
 * their attributes, properties and events typed. Types only: `import type {} from
 * '@liveproof/element/react'` once in the app (or list it in tsconfig `types`); a project without
 * React never loads it.
 *
 * React 19 sets a prop the element has as a property (so `tokenProvider` and `stream` take their
 * values, not strings), any other as an attribute, and takes a function prop named `on` + an event's
 * exact name as a listener: `onliveproof-complete`, not `onLiveproofComplete` (which would listen for
 * an event called `LiveproofComplete`).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ElementAttributes, ElementProperties, LiveproofElements, LiveproofTag } from './element-types.ts';

/** `on` + each event's name, as React 19 binds a custom element's events. */
export type ReactEventProps<Events> = { [K in keyof Events & string as `on${K}`]?: (event: Events[K]) => void };

type OwnProps<Tag extends LiveproofTag> = ElementProperties<LiveproofElements[Tag]['class']> &
  ElementAttributes<LiveproofElements[Tag]['class']> &
  ReactEventProps<LiveproofElements[Tag]['events']>;

/** The props of one element in JSX: React's own for any HTML element (`ref`, `className`, `style`, …) and the element's. */
export type LiveproofReactProps<Tag extends LiveproofTag> = Omit<DetailedHTMLProps<HTMLAttributes<HTMLElementTagNameMap[Tag]>, HTMLElementTagNameMap[Tag]>, keyof OwnProps<Tag>> &
  OwnProps<Tag>;

export type LiveproofReactElements = { [Tag in LiveproofTag]: LiveproofReactProps<Tag> };

// A module augmentation of React's JSX namespace can only be written as a namespace.
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends LiveproofReactElements {}
  }
}
