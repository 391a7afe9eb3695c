/**
 * Interview mode's ear: a reactive controller that follows the session's event stream and reports
 * each re-check the interviewer asks for, including one already waiting when it connects (the
 * stream's snapshot lists them). The stream closes when its token expires; the controller then
 * opens it again with a fresh token from the page (`token()`), and after a network loss it backs
 * off and reconnects, so the element keeps listening through a call longer than any token lives.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface SessionEventsOptions {
  /** The Liveproof server. */
  base(): string;
  /** A client token that is valid now (refreshed by the page if it can), or undefined to stop. */
  token(): Promise<string | undefined>;
  onRecheck(recheckId: string): void;
}

const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class SessionEventsController implements ReactiveController {
  readonly #options: SessionEventsOptions;
  #source: EventSource | undefined;
  #sessionId: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #generation = 0;

  constructor(host: ReactiveControllerHost, options: SessionEventsOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Follows `sessionId` (or nothing); opens or closes the stream when it changes. */
  follow(sessionId: string | undefined): void {
    if (sessionId === this.#sessionId && (this.#source || this.#timer)) return;
    this.close();
    this.#sessionId = sessionId;
    if (sessionId) void this.#open();
  }

  close(): void {
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#source?.close();
    this.#source = undefined;
  }

  hostDisconnected(): void {
    this.close();
    this.#sessionId = undefined;
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    const sessionId = this.#sessionId;
    const token = await this.#options.token().catch(() => undefined);
    if (generation !== this.#generation || !sessionId || !token) return;
    const url = `${this.#options.base().replace(/\/+$/, '')}/v1/sessions/${encodeURIComponent(sessionId)}/events?access_token=${encodeURIComponent(token)}`;
    const source = new EventSource(url);
    this.#source = source;
    source.addEventListener('open', () => (this.#failures = 0));
    source.addEventListener('recheck.requested', (message) => {
      this.#options.onRecheck((JSON.parse((message as MessageEvent<string>).data) as { recheckId: string }).recheckId);
    });
    source.addEventListener('snapshot', (message) => {
      const { openRechecks } = JSON.parse((message as MessageEvent<string>).data) as { openRechecks?: { recheckId: string }[] };
      const waiting = openRechecks?.at(-1);
      if (waiting) this.#options.onRecheck(waiting.recheckId);
    });
    // The server closes the stream when the token or the session expires: reopen with a fresh token.
    source.addEventListener('closed', () => this.#reopen(generation, 0));
    source.addEventListener('error', () => {
      // EventSource retries a dropped connection itself; a refused one (401, 404) it gives up.
      if (source.readyState === EventSource.CLOSED) this.#reopen(generation, RECONNECT_MS[Math.min(this.#failures++, RECONNECT_MS.length - 1)]!);
    });
  }

  #reopen(generation: number, delayMs: number): void {
    if (generation !== this.#generation) return;
    this.#source?.close();
    this.#source = undefined;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#open();
    }, delayMs);
  }
}
