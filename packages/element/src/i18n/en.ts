/**
 * English: the catalogue every other language follows, key for key (`Catalogue` is its type, and
 * a unit test holds each language to the same keys). Whatever a candidate reads in the check is
 * here, with the prompts, challenge names and reasons the interviewer's badge shares (its own words
 * are `badge-en.ts`); texts shared with the server (prompts, reasons) are the protocol's English.
 */
import { CHALLENGES, CHALLENGE_IDS, REASON_TEXT, type ChallengeId, type ReasonCode } from '@liveproof/protocol';
import type { Format } from './format.ts';

const byChallenge = (text: (id: ChallengeId) => string) => Object.fromEntries(CHALLENGE_IDS.map((id) => [id, text(id)])) as Record<ChallengeId, string>;

/** An error as the candidate reads it: what happened, and what to do. */
export interface ErrorText {
  title: string;
  body: string;
}

export const en = {
  /** The language's own name, for a language picker. */
  name: 'English',
  dir: 'ltr' as 'ltr' | 'rtl',

  check: {
    introTitle: 'Quick liveness check',
    introBody: 'You will be asked to do a few simple things, like blinking or turning your head. Do each one as soon as it appears. It takes about 15 seconds.',
    interviewTitle: 'Interview in progress',
    interviewBody: 'Your interviewer may ask you for a quick re-check during the call: a few simple steps, about ten seconds. It starts by itself when they ask.',
    start: 'Start check',
    tryAgain: 'Try again',
    back: 'Back',
    privacyMeasurements: 'Your video stays on this device. Only measurements of your face’s movements and colour are sent.',
    privacyFramesTitle: 'A few face images are sent.',
    privacyFramesBody:
      'Your video stays on this device, but for this check about eight small still images of your face (close crops, chosen by the server after the check) are sent so the server can confirm them itself. They are deleted once checked, unless the hiring team keeps them for a set time for its reviewers.',
    profileTitle: 'A bigger head turn.',
    profileBody: 'One step asks you to turn your head toward a shoulder, as far as is comfortable, and hold it until you hear a tone. If you cannot turn your head that far, tell the hiring team before you start.',
    flashTitle: 'Flashing colours.',
    flashBody: 'One step briefly flashes colours on your screen, at most 3 times a second. Press Esc to stop them at any time.',
    flashSkip: 'Skip flashing lights (you will get a different step instead)',
    flashStop: 'Press Esc to stop',
    flashStopButton: 'Stop the flashing',
    stoppedNotice: 'You stopped the flashing colours. That did not use up an attempt; the next try skips them.',
    stoppedAnnouncement: 'Check stopped. The flashing colours are off.',
    recheckAsked: 'Your interviewer asked for a quick re-check.',
    startingCamera: 'Starting your camera…',
    loadingModel: 'Loading the face check…',
    checking: 'Checking…',
    checkingResult: 'Checking your result…',
    retrying: (seconds: number, f: Format) => `The connection failed; sending your result again in ${f.number(seconds)} s. Nothing is lost.`,
    headings: {
      loading: 'Getting the check ready',
      positioning: 'Position your face',
      challenge: 'Follow the prompts',
      submitting: 'Checking your result',
    },
    stepOf: (step: number, total: number, f: Format) => `Step ${f.number(step)} of ${f.number(total)}`,
    challengesLabel: 'Challenges',
    stepStatus: { pending: 'pending', current: 'current', done: 'done', failed: 'failed' },
    holdingMeter: 'Holding position',
    progressMeter: 'Progress on this step',
    passed: 'Check passed',
    recheckPassed: 'Re-check passed',
    passedBody: 'You are verified as a live person. You can continue.',
    recheckPassedBody: 'Thank you. Your interviewer can see the result.',
    imageSent: 'One small photo of your face from the end of the check was sent for your interviewer to compare with the call; it is deleted after a set time.',
    framesChecked: (n: number, f: Format) => `${f.number(n)} small face images were checked by the server.`,
    failed: 'Check not passed',
    recheckFailed: 'Re-check not passed',
    failedAdvice: 'Face the camera in good light and do each action as soon as its prompt appears.',
    attemptsLeft: (n: number, f: Format) => `${f.number(n)} ${f.plural(n) === 'one' ? 'attempt' : 'attempts'} left`,
    pressTryAgain: 'press Try again when you are ready.',
    recheckFailedNext: 'Your interviewer can see this and may ask for another re-check.',
    noAttemptsLeft: 'No attempts left. Contact the person who invited you.',
    errorCode: (code: string) => `Code: ${code}`,
  },

  prompts: byChallenge((id) => CHALLENGES[id].prompt),
  labels: byChallenge((id) => CHALLENGES[id].label),
  reasons: REASON_TEXT as Record<ReasonCode, string>,

  hints: {
    no_face: 'Look into the camera so we can see your face.',
    multiple_faces: 'Only you should be in view.',
    move_closer: 'Move a little closer to the camera.',
    move_back: 'Move back a little.',
    centre: 'Centre your face in the oval.',
    too_dark: 'It is too dark. Find more light or face a window.',
    too_bright: 'It is too bright behind or on you. Adjust the light.',
    face_camera: 'Face the camera directly.',
    hold_still: 'Hold still…',
  },

  /** The errors a candidate can meet; any other code reads as `other`, with the code shown. */
  errors: {
    camera_denied: { title: 'Camera access is blocked', body: 'Allow this site to use your camera (look for the camera icon in the address bar), then try again.' },
    camera_not_found: { title: 'No camera found', body: 'Connect a camera or check that it is enabled, then try again.' },
    camera_in_use: { title: 'The camera is busy', body: 'Another application is using the camera. Close it there, then try again.' },
    model_load_failed: { title: 'The check could not load', body: 'The face model did not load. Check your connection, then try again.' },
    network_error: { title: 'Connection lost', body: 'We could not reach the verification service. Check your connection, then try again; nothing you did is lost.' },
    positioning_timeout: { title: 'We could not see you clearly', body: 'Sit facing the camera in good light, with only you in view, then try again.' },
    unsupported_browser: { title: 'This browser is not supported', body: 'This browser cannot use a camera here. Open this page in a recent Chrome, Edge, Firefox or Safari.' },
    unauthorized: { title: 'This check link has expired', body: 'Reload the page to start a new check.' },
    client_token_missing: {
      title: 'This check is not set up yet',
      body: 'The page did not give the check the link it needs. Reload the page; if this stays, tell the person who invited you (their developers will find the details in the browser console).',
    },
    origin_not_allowed: { title: 'This page may not run the check', body: 'The check is set up for another website. Tell the person who invited you.' },
    too_many_streams: { title: 'Too many open windows', body: 'Close other tabs with this check, then try again.' },
    session_expired: { title: 'This check has expired', body: 'Ask the person who invited you for a new link.' },
    session_completed: { title: 'Already verified', body: 'This check has already been passed.' },
    attempt_limit_reached: { title: 'No attempts left', body: 'You have used all attempts for this check. Contact the person who invited you.' },
    light_required: {
      title: 'The flashing-colour step is required',
      body: 'This check cannot skip it. Go back and untick “Skip flashing lights”, or contact the person who invited you if flashing lights could affect you.',
    },
    rate_limited: { title: 'Too many tries', body: 'Wait a minute, then try again.' },
    other: { title: 'Something went wrong', body: 'The check stopped unexpectedly. Try again; if this stays, tell the person who invited you.' },
  } satisfies Record<string, ErrorText>,


};

export type Catalogue = typeof en;
export type ErrorKey = keyof Catalogue['errors'];
