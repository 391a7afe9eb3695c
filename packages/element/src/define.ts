/**
 * `@liveproof/element/define`: importing it registers `<liveproof-check>` and `<liveproof-badge>`.
 * This is the package's only module with a side effect; `@liveproof/element` itself registers
 * nothing (call `defineLiveproofCheck()` or `defineLiveproofBadge()` from it for one tag only).
 */
import { defineLiveproofBadge } from './liveproof-badge.ts';
import { defineLiveproofCheck } from './liveproof-check.ts';

defineLiveproofCheck();
defineLiveproofBadge();
