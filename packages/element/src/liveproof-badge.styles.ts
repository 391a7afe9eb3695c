/** The look of `<liveproof-badge>`: themeable through the `--liveproof-badge-*` custom properties and its parts. */
import { css } from 'lit';

export const badgeStyles = css`
  :host {
    display: inline-block;
    font: var(--liveproof-badge-font, inherit);
    --accent: var(--liveproof-badge-neutral, #4a4a4a);
  }
  .badge {
    border: 2px solid var(--accent);
    border-radius: 8px;
    padding: 0.5rem 0.75rem;
    background: var(--liveproof-badge-background, #fff);
    color: #1a1a1a;
    min-width: 16rem;
  }
  .badge[data-status='verified'] {
    --accent: var(--liveproof-badge-pass, #17663a);
  }
  .badge[data-status='failed'],
  .badge[data-status='invalid'] {
    --accent: var(--liveproof-badge-fail, #a11c1c);
  }
  .status {
    margin: 0;
    display: flex;
    gap: 0.5rem;
    align-items: baseline;
    color: var(--accent);
  }
  .icon {
    font-size: 1.25em;
    line-height: 1;
  }
  .note,
  .why,
  .live {
    color: #333;
    margin: 0.25rem 0 0;
  }
  figure {
    margin: 0.5rem 0 0;
    display: flex;
    gap: 0.5rem;
    align-items: end;
    font-size: 0.85em;
    color: #333;
  }
  img {
    border-radius: 6px;
    border: 1px solid #ccc;
  }
  .actions {
    margin: 0.5rem 0 0;
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-size: 0.9em;
  }
  button {
    font: inherit;
    padding: 0.25rem 0.75rem;
    border-radius: 6px;
    border: 1px solid var(--accent);
    background: #fff;
    cursor: pointer;
  }
  .prompt {
    margin: 0.25rem 0 0;
    font-size: 1.1em;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.125rem 0.75rem;
    margin: 0.5rem 0 0;
    font-size: 0.9em;
  }
  dt {
    color: #555;
  }
  dd {
    margin: 0;
  }
  ul {
    margin: 0;
    padding-inline-start: 1.1rem;
  }
`;
