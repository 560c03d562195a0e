/** Errors a person can act on. Every failure the player shows goes through one of these codes. */
export type PlayerErrorCode =
  | 'signin-required'
  | 'not-enrolled'
  | 'lesson-missing'
  | 'lesson-preparing'
  | 'lesson-failed'
  | 'session-unavailable'
  | 'cookies-blocked'
  | 'offline'
  | 'network'
  | 'media'
  | 'unsupported'
  | 'bad-config';

export const MESSAGES: Readonly<Record<PlayerErrorCode, string>> = {
  'signin-required': 'Sign in to watch this lesson.',
  'not-enrolled': 'You are not enrolled in this course, or your enrollment has ended. Contact the course team if you think this is wrong.',
  'lesson-missing': 'This lesson does not exist or has not been published yet.',
  'lesson-preparing': 'This lesson is being prepared for streaming. It will start by itself in a moment.',
  'lesson-failed': 'This lesson could not be prepared for streaming. The course team has been told.',
  'session-unavailable': 'The video service is busy right now. Try again in a moment.',
  'cookies-blocked': 'This browser blocks the cookies the video needs on this site. Allow cookies for the video service, or ask the site to use the player in cookie-less mode.',
  offline: 'You seem to be offline. The video will continue when the connection is back.',
  network: 'The video could not be loaded. Check your connection and try again.',
  media: 'This video cannot be played in this browser.',
  unsupported: 'This browser cannot play this video. Try a current version of Chrome, Edge, Firefox or Safari.',
  'bad-config': 'The player is not set up correctly for this page.',
};

export class PlayerError extends Error {
  override name = 'PlayerError';
  readonly code: PlayerErrorCode;
  /** HTTP status or server error code behind it, for logs. */
  readonly detail: string | undefined;
  constructor(code: PlayerErrorCode, detail?: string) {
    super(MESSAGES[code]);
    this.code = code;
    this.detail = detail;
  }
}

export function toPlayerError(error: unknown): PlayerError {
  if (error instanceof PlayerError) return error;
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return new PlayerError('offline');
  return new PlayerError('network', error instanceof Error ? error.message : String(error));
}
