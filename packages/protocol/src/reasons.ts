/**
 * Why a check did not pass, as stable codes. A verdict lists every reason that applies, so a
 * reviewer sees the whole picture rather than the first failure.
 */
export const ReasonCode = {
  // the trace itself
  TraceInvalid: 'trace_invalid',
  StepsMismatch: 'steps_mismatch',
  UnknownThresholds: 'unknown_thresholds',
  NoBaseline: 'no_baseline',
  // a challenge
  NotPerformed: 'not_performed',
  TooFast: 'reaction_too_fast',
  TooLate: 'response_too_late',
  AlreadyPresent: 'action_already_present',
  WrongAction: 'wrong_action',
  ImplausibleBlink: 'implausible_blink',
  LightNotFollowed: 'light_not_followed',
  FlashesMismatch: 'flashes_mismatch',
  // the whole check
  FaceNotVisible: 'face_not_visible',
  MultipleFaces: 'multiple_faces',
  FaceTooSmall: 'face_too_small',
  TooDark: 'too_dark',
  LowFrameRate: 'low_frame_rate',
  FrameGap: 'frame_gap',
  NoMicroMotion: 'no_micro_motion',
  SyntheticTiming: 'synthetic_timing',
  // policies of the integration
  VirtualCamera: 'virtual_camera',
  /** A network or device signal the integration's policy rejects (the signals say which). */
  RiskPolicy: 'risk_policy',
  // high assurance: the face crops the server measured itself
  /** The integration requires face crops and the result had none. */
  FramesRequired: 'frames_required',
  /** The crops do not answer the moments the server drew, or the trace is not the one committed to. */
  FramesMismatch: 'frames_mismatch',
  FramesNoFace: 'frames_no_face',
  /** The head pose or expression in the crops does not match the trace at those moments. */
  FramesDisagree: 'frames_disagree',
  /** The crops during the flashes do not take on the flashed colours. */
  FramesLight: 'frames_light',
  FramesNotOnePerson: 'frames_not_one_person',
  // decided by the server around the trace
  ClockMismatch: 'clock_mismatch',
  AttemptExpired: 'attempt_expired',
  /** The candidate stopped the flashing colours (Esc): not a failure, and it does not use up an attempt. */
  StoppedFlashing: 'stopped_flashing',
} as const;
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** Plain words for each reason, for candidates, interviewers and reviewers. */
export const REASON_TEXT: Readonly<Record<ReasonCode, string>> = {
  trace_invalid: 'The recorded evidence was malformed.',
  steps_mismatch: 'The challenges performed were not the ones asked for.',
  unknown_thresholds: 'The check was issued with settings this server does not know.',
  no_baseline: 'No steady, neutral view of the face was recorded before the challenges.',
  not_performed: 'A requested action was not seen in time.',
  reaction_too_fast: 'An action started sooner after its prompt than a person can react.',
  response_too_late: 'An action began too long after it was asked for.',
  action_already_present: 'An action was already under way when it was asked for.',
  wrong_action: 'A different action was performed instead of the one asked for.',
  implausible_blink: 'A blink did not look like a natural blink.',
  light_not_followed: "The light from the screen did not show on the face as it should.",
  flashes_mismatch: 'The screen did not show the colours it was asked to.',
  face_not_visible: 'The face was out of view for too much of the check.',
  multiple_faces: 'More than one face was in view.',
  face_too_small: 'The face was too far from the camera.',
  too_dark: 'The face was too dark to see.',
  low_frame_rate: 'The camera delivered too few frames.',
  frame_gap: 'The camera stopped delivering frames during the check.',
  no_micro_motion: 'The face was perfectly still, as no live face is.',
  synthetic_timing: 'The frames came at intervals no camera produces.',
  virtual_camera: 'The video came from a virtual camera, which this check does not accept.',
  risk_policy: 'The connection or device shows a sign this check does not accept (see the signals).',
  frames_required: 'This check needs a few face images for the server to check, and none were sent.',
  frames_mismatch: 'The face images sent were not the ones the server asked for, or the evidence changed after it was committed.',
  frames_no_face: 'The server found no face in an image it asked for.',
  frames_disagree: "The face in the images does not match the recorded movements.",
  frames_light: 'The face in the images did not take on the colours flashed on the screen.',
  frames_not_one_person: 'The images do not all show the same person.',
  clock_mismatch: "The evidence's timing does not fit the time the server saw pass.",
  attempt_expired: 'The result arrived after the attempt had expired.',
  stopped_flashing: 'The candidate stopped the flashing colours; this does not use up an attempt.',
};

/**
 * Risk signals in plain words, for the interviewer's badge and reviewers. A signal lowers a pass's
 * assurance; it does not prove an attack on its own.
 */
export const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  automation: 'The browser said it was driven by automation software.',
  virtual_camera: 'The camera is a virtual camera (software that can show any video).',
  provided_stream: 'The video came from the page, not from a camera the check opened itself.',
  injected_stream: 'The video track was made inside the page, not by a camera.',
  light_opt_out: 'The candidate skipped the screen-light step.',
  face_changed: "The face in the re-check's images is not the face of the session's passed check.",
  no_frames: 'High assurance was on, but the page sent no face images for the server to check; the check was scored on its measurements alone.',
  datacenter_ip: 'The connection came from a hosting or cloud network, not a home or mobile one (dated list).',
  vpn_ip: 'The connection came from a known commercial VPN (dated list).',
  network_path_mismatch: "The browser's direct (UDP) path comes from another network than its web requests: a proxy or a split tunnel.",
  timezone_mismatch: "The browser's time zone is not used in the country its address is in.",
  proxy_timing: 'Web requests take much longer to come back than the connection underneath them: something relays them on the way.',
  software_renderer: 'The browser draws without a graphics processor (or has no WebGL), as in most virtual machines and remote sessions.',
  vm_indicators: "The browser reports a virtual machine's display adapter, camera or network.",
  remote_session_hint: 'The device looks driven from afar: a camera redirected into a remote session, a 30-a-second screen, or slow answers to the prompts.',
  claimed_location_mismatch: "Where the candidate says they live does not fit the connection's country or the browser's time zone.",
  shared_network: 'Another candidate was checked from the same internet address recently (offices, campuses and mobile carriers share addresses too).',
  shared_device: 'Another candidate was checked on what looks like the same device recently (identical company laptops look alike too).',
  shared_face: "The face in this check's images looks like the face of another candidate checked recently: for a person to compare (look-alikes and relatives match too).",
  phone_anomaly: "The candidate's phone number is invalid, from another country, written as dialled from abroad, or not a personal line.",
};
