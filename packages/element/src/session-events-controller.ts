/**
 * A reactive controller that follows a session's event stream (`GET /v1/sessions/{id}/events`) and
 * hands each event it is given a handler for to that handler, parsed: the check element listens for
 * re-check requests (interview mode), the badge for attempts and prompts. The stream closes when its
 * token expires; the controller then opens it again with a token from `token()` (the check's page
 * mints a fresh one), and after a network loss or a refusal it backs off and reconnects, so it keeps
 * listening through a call longer than any token lives.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionEvent } from '@liveproof/protocol';

/** What the stream's `snapshot` says on connecting (the fields the element and badge read). */
export interface SessionSnapshot {
  latestToken?: string;
  attempts?: { id: string; status: string }[];
  openRechecks?: { recheckId: string }[];
}

type Handlers = { snapshot?: (snapshot: SessionSnapshot) => void } & { [T in SessionEvent['type']]?: (event: Extract<SessionEvent, { type: T }>) => void };

export interface SessionEventsOptions {
  /** The Liveproof server. */
  base(): string;
  /** A token for the stream (a client or viewer token) that is valid now, or undefined to stop. */
  token(): Promise<string | undefined>;
  /** The events to follow, by type. */
  on: Handlers;
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
    for (const [type, handle] of Object.entries(this.#options.on) as [string, (data: unknown) => void][]) {
      source.addEventListener(type, (message) => handle(JSON.parse((message as MessageEvent<string>).data)));
    }
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
