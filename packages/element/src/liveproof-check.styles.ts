import { css } from 'lit';

export const styles = css`
  :host {
    --liveproof-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --liveproof-bg: #ffffff;
    --liveproof-fg: #1b1f24;
    --liveproof-muted: #57606a;
    --liveproof-accent: #2456d6;
    --liveproof-accent-fg: #ffffff;
    --liveproof-success: #1a7f37;
    --liveproof-danger: #c62828;
    --liveproof-radius: 12px;
    --liveproof-width: 420px;

    display: block;
    max-width: var(--liveproof-width);
    font-family: var(--liveproof-font);
    color: var(--liveproof-fg);
    background: var(--liveproof-bg);
    border-radius: var(--liveproof-radius);
    box-shadow: 0 1px 3px rgb(0 0 0 / 0.12), 0 8px 24px rgb(0 0 0 / 0.06);
    padding: 16px;
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none;
  }
  /* Carries the language and its direction; takes no part in the layout. */
  .root {
    display: contents;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 8px;
  }
  p {
    margin: 0 0 12px;
    line-height: 1.45;
  }
  .muted {
    color: var(--liveproof-muted);
    font-size: 0.875rem;
  }
  .stage {
    position: relative;
    /* The prompt's size follows the camera view's width (a narrow phone, a narrow column). */
    container-type: inline-size;
    aspect-ratio: 4 / 3;
    border-radius: calc(var(--liveproof-radius) - 4px);
    overflow: hidden;
    background: #0d1117;
    margin-bottom: 12px;
  }
  video {
    width: 100%;
    height: 100%;
    object-fit: cover;
    transform: scaleX(-1);
    display: block;
  }
  .guide {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    pointer-events: none;
  }
  .guide ellipse {
    fill: none;
    stroke: rgb(255 255 255 / 0.85);
    stroke-width: 3;
    stroke-dasharray: 8 6;
  }
  :host(:state(challenge)) .guide ellipse,
  .guide.ok ellipse {
    stroke: var(--liveproof-success);
    stroke-dasharray: none;
  }
  .prompt {
    position: absolute;
    inset-inline: 0;
    bottom: 0;
    padding: 12px 14px;
    background: linear-gradient(to top, rgb(0 0 0 / 0.75), transparent);
    color: #fff;
    font-size: clamp(1rem, 6.5cqi, 1.35rem);
    font-weight: 650;
    line-height: 1.25;
    text-align: center;
  }
  .prompt .arrow {
    display: inline-block;
    margin: 0 6px;
  }
  .overlay {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    text-align: center;
    color: #fff;
    background: rgb(13 17 23 / 0.72);
    padding: 16px;
    gap: 8px;
  }
  .spinner {
    width: 28px;
    height: 28px;
    margin: 0 auto;
    border-radius: 50%;
    border: 3px solid rgb(255 255 255 / 0.3);
    border-top-color: #fff;
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .meter {
    height: 8px;
    border-radius: 4px;
    background: #d0d7de;
    overflow: hidden;
    margin: 4px 0 12px;
  }
  .meter > div {
    height: 100%;
    background: var(--liveproof-accent);
    transition: width 120ms linear;
  }
  ol.steps {
    display: flex;
    gap: 6px;
    list-style: none;
    padding: 0;
    margin: 0 0 12px;
  }
  ol.steps li {
    flex: 1;
    font-size: 0.75rem;
    text-align: center;
    padding: 4px 2px;
    border-radius: 6px;
    border: 1px solid #d0d7de;
    color: var(--liveproof-muted);
  }
  ol.steps li[data-status='current'] {
    border-color: var(--liveproof-accent);
    color: var(--liveproof-accent);
    font-weight: 600;
  }
  ol.steps li[data-status='done'] {
    border-color: var(--liveproof-success);
    color: var(--liveproof-success);
  }
  ol.steps li[data-status='failed'] {
    border-color: var(--liveproof-danger);
    color: var(--liveproof-danger);
  }
  .hint {
    min-height: 1.45em;
    font-weight: 500;
  }
  .outcome {
    display: flex;
    gap: 12px;
    align-items: flex-start;
    margin-bottom: 12px;
  }
  .outcome .icon {
    flex: none;
    width: 40px;
    height: 40px;
    border-radius: 50%;
    display: grid;
    place-content: center;
    font-size: 1.4rem;
    font-weight: 700;
    color: #fff;
  }
  .outcome.passed .icon {
    background: var(--liveproof-success);
  }
  .outcome.failed .icon,
  .outcome.error .icon {
    background: var(--liveproof-danger);
  }
  ul.reasons {
    margin: 0 0 12px;
    padding-inline-start: 1.2em;
  }
  button {
    font: inherit;
    font-weight: 600;
    border: none;
    border-radius: 8px;
    padding: 10px 18px;
    cursor: pointer;
    background: var(--liveproof-accent);
    color: var(--liveproof-accent-fg);
  }
  button:focus-visible {
    outline: 3px solid var(--liveproof-accent);
    outline-offset: 2px;
  }
  button[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  .flash {
    position: fixed;
    inset: 0;
    width: 100vw;
    height: 100vh;
    max-width: none;
    max-height: none;
    margin: 0;
    border: 0;
    padding: 0;
    z-index: 2147483647;
    cursor: pointer;
    display: grid;
    place-content: center;
    text-align: center;
    font-size: 1.5rem;
    font-weight: 650;
  }
  .flash small {
    font-size: 0.9rem;
    font-weight: 400;
  }
  /* In the colour of the text over the flash (black or white, whichever reads on it). */
  .flash button.stop {
    margin-top: 16px;
    color: inherit;
    background: transparent;
    border: 2px solid currentColor;
  }
  .notice {
    border: 1px solid #d0d7de;
    border-radius: 8px;
    padding: 8px 12px;
    margin-bottom: 12px;
    font-size: 0.875rem;
  }
  .notice p {
    margin-bottom: 6px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
    .meter > div {
      transition: none;
    }
  }
`;
