/** `liveproof-badge-change`: the badge's status changed (unchecked, checking, verifying, verified, failed, expired, invalid). */
import type { BadgeStatus } from '../badge/views.ts';

export class LiveproofBadgeChangeEvent extends Event {
  static readonly type = 'liveproof-badge-change';
  readonly detail: { status: BadgeStatus };

  constructor(status: BadgeStatus) {
    super(LiveproofBadgeChangeEvent.type, { bubbles: true, composed: true });
    this.detail = { status };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'liveproof-badge-change': LiveproofBadgeChangeEvent;
  }
}
