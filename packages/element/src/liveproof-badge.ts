/**
 * `<liveproof-badge>`: what an interviewer looks at during the call. Given a verification token it
 * checks the signature, issuer, audience and lifetime in the browser and says, in words and with an
 * icon (never by colour alone), whether the candidate was verified live, failed, or the token is
 * expired or invalid; with how long ago, which challenges passed, and any risk signals.
 *
 * Live mode: with `session-id` and `viewer-token` it follows the session's event stream and updates
 * as attempts start and finish, showing each prompt the moment the candidate is shown it, so the
 * interviewer can watch the candidate perform it on the call video.
 *
 * @csspart badge - The whole badge.
 * @csspart status - The status line (icon and words).
 * @csspart details - Time, challenges and signals.
 * @csspart prompt - The prompt the candidate is being shown, in live mode.
 * @csspart button - The "Ask for a re-check" button (`allow-recheck`).
 * @csspart reference-image - The photo from the candidate's passed check, when the integration keeps one.
 * @cssprop --liveproof-badge-pass - Accent for a verified check (default a dark green).
 * @cssprop --liveproof-badge-fail - Accent for a failed check or an invalid token (default a dark red).
 * @cssprop --liveproof-badge-neutral - Accent for unchecked, in progress and expired (default a dark grey).
 * @cssprop --liveproof-badge-background - Background (default white).
 * @cssprop --liveproof-badge-font - Font (default inherited).
 * @fires liveproof-badge-change - When the status changes (`LiveproofBadgeChangeEvent`); `detail` is `{ status }`.
 * The status is also a custom state: `liveproof-badge:state(verified)`.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { CHALLENGES, REASON_TEXT, SIGNAL_TEXT, type FaceCheckSummary, type LivenessTokenClaims, type ReasonCode, type SessionEvent } from '@liveproof/protocol';
import { verifyForBadge, type BadgeVerdict } from './badge/verify-token.ts';
import { LiveproofBadgeChangeEvent } from './events/badge-change.ts';
import { badgeStyles } from './liveproof-badge.styles.ts';

export const BADGE_STATUSES = ['unchecked', 'checking', 'verifying', 'verified', 'failed', 'expired', 'invalid'] as const;
export type BadgeStatus = (typeof BADGE_STATUSES)[number];

const STATUS_TEXT: Record<BadgeStatus, { icon: string; label: string }> = {
  unchecked: { icon: '○', label: 'Not yet checked' },
  checking: { icon: '◔', label: 'Check in progress' },
  verifying: { icon: '◔', label: 'Verifying the result…' },
  verified: { icon: '✓', label: 'Verified live' },
  failed: { icon: '✕', label: 'Liveness check failed' },
  expired: { icon: '⌛', label: 'Result expired' },
  invalid: { icon: '!', label: 'Invalid result' },
};

/** "just now", "4 min ago", "2 h ago": coarse on purpose. */
export function timeAgo(fromSeconds: number, nowMs: number): string {
  const minutes = Math.floor((nowMs / 1000 - fromSeconds) / 60);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}

export class LiveproofBadge extends LitElement {
  static override properties = {
    token: { type: String },
    jwks: { type: String },
    issuer: { type: String },
    audience: { type: String },
    apiBase: { type: String, attribute: 'api-base' },
    sessionId: { type: String, attribute: 'session-id' },
    viewerToken: { type: String, attribute: 'viewer-token' },
    allowRecheck: { type: Boolean, attribute: 'allow-recheck' },
    _asking: { state: true },
    _image: { state: true },
    _status: { state: true },
    _claims: { state: true },
    _why: { state: true },
    _prompt: { state: true },
    _attempt: { state: true },
    _now: { state: true },
  };

  /** The verification token to show. In live mode, each finished attempt's token replaces it. */
  declare token: string;
  /** The issuer's JWKS address; default `<issuer>/.well-known/jwks.json`. */
  declare jwks: string;
  /** The Liveproof server's issuer URL, as in the token's `iss`. */
  declare issuer: string;
  /** Your audience, as given when the session was created. */
  declare audience: string;
  /** For live mode: the Liveproof server (default: the issuer). */
  declare apiBase: string;
  declare sessionId: string;
  declare viewerToken: string;
  /** Live mode, with a viewer token that has the re-check right: show the "Ask for a re-check" button. */
  declare allowRecheck: boolean;
  declare private _asking: string;
  /** Object URL of the reference image of the result shown, when the integration keeps one. */
  declare private _image: string;
  declare private _status: BadgeStatus;
  declare private _claims: LivenessTokenClaims | undefined;
  declare private _why: string;
  declare private _prompt: string;
  declare private _attempt: { sequence: number; total: number; index: number; recheck: boolean } | undefined;
  declare private _now: number;

  #events: EventSource | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;
  #verifying = 0;
  readonly #internals = this.attachInternals();

  constructor() {
    super();
    this.token = '';
    this.jwks = '';
    this.issuer = '';
    this.audience = '';
    this.apiBase = '';
    this.sessionId = '';
    this.viewerToken = '';
    this.allowRecheck = false;
    this._asking = '';
    this._image = '';
    this._status = 'unchecked';
    this._why = '';
    this._prompt = '';
    this._now = Date.now();
  }

  /** The status shown, for scripts and tests. */
  get status(): BadgeStatus {
    return this._status;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this._now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    this.#events?.close();
    this.#events = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token') || changed.has('issuer') || changed.has('audience') || changed.has('jwks')) void this.#verify();
    if (changed.has('sessionId') || changed.has('viewerToken') || changed.has('apiBase')) this.#follow();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!(changed as Map<PropertyKey, unknown>).has('_status')) return;
    this.#setCustomState(this._status);
    this.dispatchEvent(new LiveproofBadgeChangeEvent(this._status));
  }

  async #verify(): Promise<void> {
    const run = ++this.#verifying;
    if (!this.token) {
      if (this._status !== 'checking') this._status = 'unchecked';
      return;
    }
    if (!this.issuer || !this.audience) {
      this.#show({ status: 'invalid', why: 'The badge needs the issuer and audience to check against.' });
      return;
    }
    this._status = 'verifying';
    const verdict = await verifyForBadge(this.token, { jwksUrl: this.jwks || `${this.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`, issuer: this.issuer, audience: this.audience });
    if (run === this.#verifying) this.#show(verdict);
  }

  #show(verdict: BadgeVerdict): void {
    // In live mode the token must be one of the watched session's: a token of another candidate's
    // session, however validly signed, says nothing about this one.
    if ('claims' in verdict && this.sessionId && verdict.claims.sid !== this.sessionId) {
      verdict = { status: 'invalid', why: 'This result is for another session than the one watched.' };
    }
    this._claims = 'claims' in verdict ? verdict.claims : undefined;
    this._why = 'why' in verdict ? verdict.why : '';
    this._status = verdict.status;
  }

  #follow(): void {
    this.#events?.close();
    this.#events = undefined;
    if (!this.sessionId || !this.viewerToken) return;
    const base = this.#apiBase();
    const url = `${base}/v1/sessions/${encodeURIComponent(this.sessionId)}/events?access_token=${encodeURIComponent(this.viewerToken)}`;
    const source = new EventSource(url);
    this.#events = source;
    const on = <T extends SessionEvent['type']>(type: T, handle: (event: Extract<SessionEvent, { type: T }>) => void) =>
      source.addEventListener(type, (message) => handle(JSON.parse((message as MessageEvent<string>).data) as Extract<SessionEvent, { type: T }>));
    source.addEventListener('snapshot', (message) => {
      const snapshot = JSON.parse((message as MessageEvent<string>).data) as { latestToken?: string; attempts?: { id: string; status: string }[] };
      if (snapshot.latestToken && !this.token) this.token = snapshot.latestToken;
      const passed = snapshot.attempts?.filter((a) => a.status === 'passed').at(-1);
      if (passed) void this.#loadImage(passed.id);
    });
    on('attempt.started', (event) => {
      this._asking = '';
      this._attempt = { sequence: event.sequence, total: event.challenges.length, index: -1, recheck: event.kind === 'recheck' };
      this._prompt = '';
      this._status = 'checking';
    });
    on('attempt.prompt', (event) => {
      this._attempt = { sequence: this._attempt?.sequence ?? 0, total: this._attempt?.total ?? 0, index: event.index, recheck: this._attempt?.recheck ?? false };
      this._prompt = CHALLENGES[event.challenge]?.prompt ?? event.challenge;
      this._status = 'checking';
    });
    on('attempt.completed', (event) => {
      this._prompt = '';
      this._attempt = undefined;
      // The stream says how it went; the badge believes the signature, not the stream.
      this.token = event.token;
      if (event.referenceImage) void this.#loadImage(event.attemptId);
    });
  }

  /**
   * Asks the candidate's element for a witnessed re-check (two movements and the screen light), whose prompts this badge
   * then shows live while you watch the candidate on the call.
   */
  async requestRecheck(): Promise<void> {
    const base = this.#apiBase();
    this._asking = 'Asking the candidate’s page for a re-check…';
    try {
      const response = await fetch(`${base}/v1/sessions/${encodeURIComponent(this.sessionId)}/rechecks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.viewerToken}` },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        this._asking = `Could not ask for a re-check: ${body.error?.message ?? response.status}`;
        return;
      }
      this._asking = 'Re-check requested: waiting for the candidate’s page to start it.';
    } catch {
      this._asking = 'Could not reach the Liveproof server.';
    }
  }

  /** The Liveproof server's base URL: `api-base`, else the issuer. */
  #apiBase(): string {
    return (this.apiBase || this.issuer).replace(/\/+$/, '');
  }

  /** `:state(verified)` and the others, for pages that style the badge from outside. */
  #setCustomState(status: BadgeStatus): void {
    try {
      for (const name of BADGE_STATUSES) this.#internals.states.delete(name);
      this.#internals.states.add(status);
    } catch {
      // Browsers without custom states: the `status` property and the change event still tell.
    }
  }

  async #loadImage(attemptId: string): Promise<void> {
    const base = this.#apiBase();
    try {
      const response = await fetch(`${base}/v1/attempts/${encodeURIComponent(attemptId)}/reference-image`, { headers: { authorization: `Bearer ${this.viewerToken}` } });
      if (!response.ok) return;
      if (this._image) URL.revokeObjectURL(this._image);
      this._image = URL.createObjectURL(await response.blob());
    } catch {
      // No image is no worse than before.
    }
  }

  #details() {
    const claims = this._claims;
    if (!claims) return nothing;
    const passed = claims.challenges.filter((c) => c.passed).map((c) => CHALLENGES[c.id]?.label ?? c.id);
    const signals = claims.signals.map((s) => SIGNAL_TEXT[s] ?? s);
    const reasons = claims.result === 'fail' ? claims.reasons.map((r: ReasonCode) => REASON_TEXT[r] ?? r) : [];
    return html`<dl part="details">
      <dt>Checked</dt>
      <dd><time datetime=${new Date(claims.iat * 1000).toISOString()}>${timeAgo(claims.iat, this._now)}</time></dd>
      <dt>Challenges passed</dt>
      <dd>${passed.length ? `${passed.join(', ')} (${passed.length} of ${claims.challenges.length})` : `none of ${claims.challenges.length}`}</dd>
      ${reasons.length ? html`<dt>Why it failed</dt><dd><ul>${reasons.map((r) => html`<li>${r}</li>`)}</ul></dd>` : nothing}
      ${claims.faces ? html`<dt>Face checked by the server</dt><dd>${facesText(claims.faces)}</dd>` : nothing}
      <dt>Risk signals</dt>
      <dd>${signals.length ? html`<ul>${signals.map((s) => html`<li>${s}</li>`)}</ul>` : 'none'}</dd>
    </dl>`;
  }

  protected override render() {
    const { icon } = STATUS_TEXT[this._status];
    // A re-check is never shown as a check: it is the interviewer's witnessed one, outside the attempts.
    const recheck = this._claims?.kind === 'recheck' && (this._status === 'verified' || this._status === 'failed');
    const label = recheck ? (this._status === 'verified' ? 'Re-check passed (witnessed)' : 'Re-check failed') : STATUS_TEXT[this._status].label;
    const reduced = this._status === 'verified' && this._claims?.assurance === 'reduced';
    const live = this._status === 'checking' && this._attempt;
    return html`<section part="badge" class="badge" data-status=${this._status} aria-label="Liveness check">
      <p part="status" class="status" role="status" aria-live="polite">
        <span class="icon" aria-hidden="true">${icon}</span>
        <strong>${label}</strong>${reduced ? html`<span class="note"> (reduced assurance: see risk signals)</span>` : nothing}
      </p>
      ${live
        ? html`<p class="live">${this._attempt!.recheck ? 'Witnessed re-check' : `Attempt ${this._attempt!.sequence}`}${this._attempt!.index >= 0 ? html`, step ${this._attempt!.index + 1} of ${this._attempt!.total}` : nothing}</p>
            ${this._prompt ? html`<p part="prompt" class="prompt" aria-live="assertive">Candidate is asked: <strong>${this._prompt}</strong></p>` : nothing}`
        : nothing}
      ${this._status === 'invalid' ? html`<p class="why">${this._why}</p>` : nothing}
      ${this._status === 'expired' ? html`<p class="why">This result was valid but has expired; ask for a new check.</p>` : nothing}
      ${this.#details()}
      ${this._image
        ? html`<figure part="reference-image">
            <img src=${this._image} width="120" height="120" alt="Photo taken at the end of the candidate's passed check" />
            <figcaption>Supplied by the candidate's page at the end of the check: compare with the person on the call.</figcaption>
          </figure>`
        : nothing}
      ${this.allowRecheck && this.sessionId && this.viewerToken
        ? html`<p class="actions">
            <button part="button" type="button" ?disabled=${this._status === 'checking'} @click=${() => void this.requestRecheck()}>Ask for a re-check</button>
            <span role="status">${this._asking}</span>
          </p>`
        : nothing}
    </section>`;
  }

  static override styles = badgeStyles;
}

/** Registers `<liveproof-badge>`, unless the tag is taken; `@liveproof/element/define` calls it. */
export function defineLiveproofBadge(): void {
  if (!customElements.get('liveproof-badge')) customElements.define('liveproof-badge', LiveproofBadge);
}

declare global {
  interface HTMLElementTagNameMap {
    'liveproof-badge': LiveproofBadge;
  }
}

/** High assurance, in the interviewer's words: what the server saw in the crops, and whether the face changed. */
function facesText(faces: FaceCheckSummary): string {
  if (faces.frames === 0) return 'no face images were sent';
  const seen = faces.failed.length ? `${faces.frames} images; failed: ${faces.failed.join(', ').replace(/_/g, ' ')}` : `${faces.frames} images, all checks agreed`;
  if (!faces.continuity) return seen;
  return `${seen}; ${faces.continuity.changed ? 'NOT the face of the passed check' : 'the same face as the passed check'}`;
}
