import { createHash } from 'node:crypto';

/** The demo world `npm start` creates on first run. */
export interface DemoUser {
  readonly email: string;
  /** Stable Cognito-style `sub` (a UUID derived from the email), the enrollments key. */
  readonly sub: string;
  readonly enrolledIn: readonly string[];
}

export function subFor(email: string): string {
  const h = createHash('sha256').update(`lectern-demo:${email}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const user = (email: string, enrolledIn: string[]): DemoUser => ({ email, sub: subFor(email), enrolledIn });

export const DEMO_USERS: readonly DemoUser[] = [
  user('student@example.com', ['demo']),
  user('other@example.com', ['second']),
  user('outsider@example.com', []),
];

export interface DemoLesson {
  readonly courseId: string;
  readonly lessonId: string;
  readonly title: string;
  /** Seconds of synthetic video. */
  readonly seconds: number;
}

export const DEMO_LESSONS: readonly DemoLesson[] = [
  { courseId: 'demo', lessonId: 'lesson-1', title: 'Welcome', seconds: 16 },
  { courseId: 'demo', lessonId: 'lesson-2', title: 'The edge', seconds: 16 },
  { courseId: 'demo', lessonId: 'lesson-3', title: 'Wrapping up', seconds: 16 },
  { courseId: 'second', lessonId: 'lesson-1', title: 'Another course', seconds: 12 },
];

export function demoUser(email: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.email === email.toLowerCase());
}
