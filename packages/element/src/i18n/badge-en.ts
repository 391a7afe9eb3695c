/**
 * What the interviewer's badge says, in English: the catalogue the badge's other languages follow
 * key for key (`BadgeCatalogue`). Apart from the check's catalogue, so that a candidate's page never
 * loads the badge's words (the risk signals' above all), nor an interviewer's the check's.
 */
import { SIGNAL_TEXT } from '@liveproof/protocol';
import type { Format } from './format.ts';

export const badgeEn = {
  region: 'Liveness check',
  status: {
    unchecked: 'Not yet checked',
    checking: 'Check in progress',
    verifying: 'Verifying the result…',
    verified: 'Verified live',
    failed: 'Liveness check failed',
    expired: 'Result expired',
    invalid: 'Invalid result',
  },
  recheckPassed: 'Re-check passed (witnessed)',
  recheckFailed: 'Re-check failed',
  reduced: ' (reduced assurance: see risk signals)',
  expired: 'This result was valid but has expired; ask for a new check.',
  attempt: (n: number, f: Format) => `Attempt ${f.number(n)}`,
  witnessedRecheck: 'Witnessed re-check',
  step: (step: number, total: number, f: Format) => `, step ${f.number(step)} of ${f.number(total)}`,
  asked: 'Candidate is asked: ',
  checked: 'Checked',
  justNow: 'just now',
  challengesPassed: 'Challenges passed',
  passedOf: (passed: string, n: number, total: number, f: Format) => `${passed} (${f.number(n)} of ${f.number(total)})`,
  noneOf: (total: number, f: Format) => `none of ${f.number(total)}`,
  whyFailed: 'Why it failed',
  facesChecked: 'Face checked by the server',
  noFaceImages: 'no face images were sent',
  faceImagesAgreed: (n: number, f: Format) => `${f.number(n)} images, all checks agreed`,
  faceImagesFailed: (n: number, failed: string, f: Format) => `${f.number(n)} images; failed: ${failed}`,
  sameFace: 'the same face as the passed check',
  otherFace: 'NOT the face of the passed check',
  riskSignals: 'Risk signals',
  none: 'none',
  imageAlt: 'Photo taken at the end of the candidate’s passed check',
  imageCaption: 'Supplied by the candidate’s page at the end of the check: compare with the person on the call.',
  askRecheck: 'Ask for a re-check',
  asking: {
    sending: 'Asking the candidate’s page for a re-check…',
    requested: 'Re-check requested: waiting for the candidate’s page to start it.',
    refused: (why: string) => `Could not ask for a re-check: ${why}`,
    unreachable: 'Could not reach the Liveproof server.',
  },
  /** Why a token is not shown as verified. */
  why: {
    no_trust: 'The badge needs the issuer and audience to check against.',
    other_session: 'This result is for another session than the one watched.',
    not_liveproof: 'This is not a Liveproof verification token.',
    bad_signature: 'The signature does not match the issuer’s keys.',
    token_audience_mismatch: 'The token’s audience is not the expected one.',
    token_issuer_mismatch: 'The token’s issuer is not the expected one.',
    token_algorithm_not_allowed: 'The token uses an algorithm Liveproof never signs with.',
    token_key_not_found: 'The token was not signed by a key the issuer publishes.',
    jwks_unavailable: 'The issuer’s keys could not be fetched.',
  },
  signals: SIGNAL_TEXT as Record<string, string>,
};

export type BadgeCatalogue = typeof badgeEn;
export type WhyCode = keyof BadgeCatalogue['why'];
