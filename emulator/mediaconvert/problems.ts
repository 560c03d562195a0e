/**
 * A reason to refuse a CreateJob request. `rule` says whose rule it is: MediaConvert's own
 * (documented) or the stand-in's (something it does not implement, refused rather than faked).
 */
import { wirePointer } from './wire-case.ts';

export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly rule: 'mediaconvert' | 'stand-in';
}

export type Path = readonly (string | number)[];

export class Problems {
  readonly list: Problem[] = [];
  add(path: Path, message: string): void {
    this.list.push({ path, message, rule: 'mediaconvert' });
  }
  /** Something the stand-in cannot do faithfully: refused, never approximated. */
  unsupported(path: Path, message: string): void {
    this.list.push({ path, message: `the MediaConvert stand-in does not implement ${message}`, rule: 'stand-in' });
  }
}

/** One line per problem, in the `/json/pointer: message` form the API's 400 answers use. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${wirePointer(p.path)}: ${p.message}`).join('; ');
}
