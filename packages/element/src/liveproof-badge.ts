import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ChallengeId } from '@liveproof/protocol';
import { verifyForBadge, type BadgeVerdict } from './badge/verify-token.ts';
import { ViewerApi } from './badge/viewer-api.ts';
import { BADGE_STATUSES, STATUS_ICON, askingText, details, liveStep, referenceImage, statusLabel, whyText, type BadgeStatus, type BadgeView, type LiveAttempt } from './badge/views.ts';
import { ClockController } from './controllers/clock-controller.ts';
import { LocaleController } from './controllers/locale-controller.ts';
import { BADGE_ENGLISH, loadBadgeLocale } from './i18n/badge-locale.ts';
import { LiveproofBadgeChangeEvent } from './events/badge-change.ts';
import { setCustomState } from './events/state.ts';
import { badgeStyles } from './liveproof-badge.styles.ts';
import { SessionEventsController } from './session-events-controller.ts';

export { BADGE_STATUSES, timeAgo, type BadgeStatus } from './badge/views.ts';

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
 *
 * @cssstate unchecked - No token yet.
 * @cssstate checking - An attempt is in progress (live mode).
 * @cssstate verifying - The token is being verified.
 * @cssstate verified - Verified live.
 * @cssstate failed - The liveness check failed.
 * @cssstate expired - The result was valid but has expired.
 * @cssstate invalid - The token is not a valid result for this issuer and audience.
 */
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
    _view: { state: true },
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
  /** Live mode: the session to follow, with a viewer token for it. */
  declare sessionId: string;
  declare viewerToken: string;
  /** Live mode, with a viewer token that has the re-check right: show the "Ask for a re-check" button. */
  declare allowRecheck: boolean;
  declare private _view: BadgeView;

  #verifying = 0;
  readonly #internals = this.attachInternals();
  readonly #language = new LocaleController(this, loadBadgeLocale, BADGE_ENGLISH);
  // Live mode: the session's attempts and prompts as they happen; the badge believes the token's signature, not the stream.
  readonly #events = new SessionEventsController(this, {
    base: () => this.#apiBase(),
    token: async () => this.viewerToken || undefined,
    on: {
      snapshot: ({ latestToken, attempts }) => {
        if (latestToken && !this.token) this.token = latestToken;
        const passed = attempts?.filter((a) => a.status === 'passed').at(-1);
        if (passed) void this.#loadImage(passed.id);
      },
      'attempt.started': (event) => this.#live({ sequence: event.sequence, total: event.challenges.length, index: -1, recheck: event.kind === 'recheck' }, undefined),
      'attempt.prompt': (event) => this.#live({ ...(this._view.attempt ?? { sequence: 0, total: 0, recheck: false }), index: event.index }, event.challenge as ChallengeId),
      'attempt.completed': (event) => {
        this.#set({ prompt: undefined, attempt: undefined });
        this.token = event.token;
        if (event.referenceImage) void this.#loadImage(event.attemptId);
      },
    },
  });

  constructor() {
    super();
    this.token = this.jwks = this.issuer = this.audience = this.apiBase = this.sessionId = this.viewerToken = '';
    this.allowRecheck = false;
    this._view = { status: 'unchecked', claims: undefined, why: undefined, attempt: undefined, prompt: undefined, asking: undefined, image: '', now: Date.now() };
    new ClockController(this, 30_000, () => this.#set({ now: Date.now() }));
  }

  /** The status shown, for scripts and tests. */
  get status(): BadgeStatus {
    return this._view.status;
  }

  #set(patch: Partial<BadgeView>): void {
    this._view = { ...this._view, ...patch };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token') || changed.has('issuer') || changed.has('audience') || changed.has('jwks')) void this.#verify();
    if (changed.has('sessionId') || changed.has('viewerToken') || changed.has('apiBase')) {
      this.#events.close();
      this.#events.follow(this.sessionId && this.viewerToken ? this.sessionId : undefined);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const before = (changed as Map<PropertyKey, unknown>).get('_view') as BadgeView | undefined;
    if (!(changed as Map<PropertyKey, unknown>).has('_view') || before?.status === this._view.status) return;
    setCustomState(this.#internals, this._view.status, BADGE_STATUSES);
    this.dispatchEvent(new LiveproofBadgeChangeEvent(this._view.status));
  }

  async #verify(): Promise<void> {
    const run = ++this.#verifying;
    if (!this.token) {
      if (this._view.status !== 'checking') this.#set({ status: 'unchecked' });
      return;
    }
    if (!this.issuer || !this.audience) return this.#show({ status: 'invalid', why: 'no_trust' });
    this.#set({ status: 'verifying' });
    const verdict = await verifyForBadge(this.token, { jwksUrl: this.jwks || `${this.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`, issuer: this.issuer, audience: this.audience });
    if (run === this.#verifying) this.#show(verdict);
  }

  #show(verdict: BadgeVerdict): void {
    // In live mode the token must be one of the watched session's: a token of another candidate's
    // session, however validly signed, says nothing about this one.
    if ('claims' in verdict && this.sessionId && verdict.claims.sid !== this.sessionId) {
      verdict = { status: 'invalid', why: 'other_session' };
    }
    this.#set({ claims: 'claims' in verdict ? verdict.claims : undefined, why: 'why' in verdict ? verdict.why : undefined, status: verdict.status });
  }

  #live(attempt: LiveAttempt, prompt: ChallengeId | undefined): void {
    this.#set({ attempt, prompt, status: 'checking', ...(attempt.index < 0 ? { asking: undefined } : {}) });
  }

  readonly #viewer = (): ViewerApi => new ViewerApi(this.#apiBase(), this.sessionId, this.viewerToken);

  /** Asks the candidate's element for a witnessed re-check, whose prompts the badge then shows live. */
  async requestRecheck(): Promise<void> {
    this.#set({ asking: { state: 'sending' } });
    this.#set({ asking: await this.#viewer().requestRecheck() });
  }

  /** The Liveproof server's base URL: `api-base`, else the issuer. */
  readonly #apiBase = (): string => (this.apiBase || this.issuer).replace(/\/+$/, '');

  async #loadImage(attemptId: string): Promise<void> {
    const image = await this.#viewer().referenceImage(attemptId);
    if (!image) return;
    if (this._view.image) URL.revokeObjectURL(this._view.image);
    this.#set({ image: URL.createObjectURL(image) });
  }

  /**
   * The first render (and any after a change of language) waits for the language's catalogue; the
   * others, one per camera frame during a check, go straight on.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = this.#language.loading;
    return loading ? loading.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  protected override render() {
    const { status, claims, attempt } = this._view;
    const l = this.#language.locale;
    const b = l.b;
    const reduced = status === 'verified' && claims?.assurance === 'reduced';
    return html`<section part="badge" class="badge" data-status=${status} aria-label=${b.region} lang=${l.lang} dir=${l.dir}>
      <p part="status" class="status" role="status" aria-live="polite">
        <span class="icon" aria-hidden="true">${STATUS_ICON[status]}</span>
        <strong>${statusLabel(status, claims, l)}</strong>${reduced ? html`<span class="note">${b.reduced}</span>` : nothing}
      </p>
      ${status === 'checking' && attempt ? liveStep(attempt, this._view.prompt, l) : nothing}
      ${status === 'invalid' ? html`<p class="why">${whyText(this._view.why, l)}</p>` : nothing}
      ${status === 'expired' ? html`<p class="why">${b.expired}</p>` : nothing}
      ${details(claims, this._view.now, l)} ${referenceImage(this._view.image, l)}
      ${this.allowRecheck && this.sessionId && this.viewerToken
        ? html`<p class="actions">
            <button part="button" type="button" ?disabled=${status === 'checking'} @click=${() => void this.requestRecheck()}>${b.askRecheck}</button>
            <span role="status">${askingText(this._view.asking, l)}</span>
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
