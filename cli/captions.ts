/**
 * `lectern captions <course>/<lesson> [--captions <lang>=<file>]... [--remove <lang>]...`: add,
 * replace or remove caption tracks of a published lesson without re-encoding it
 * (pipeline/captions/replace.ts). Works on the media folder alone, so it needs neither
 * `npm start` nor the lessons table. Exit codes as for encode: 2 for a bad flag, lesson or
 * caption file (nothing changed), 1 otherwise.
 */
import { parseCaptionSpec, describeWarnings } from '../pipeline/captions/load.ts';
import { replaceLessonCaptions } from '../pipeline/captions/replace.ts';
import { parseArgs, UsageError } from './args.ts';
import { reportPipelineError } from './encode.ts';
import { dataDirFromEnv } from './env.ts';

const USAGE = 'usage: lectern captions <course>/<lesson> [--captions <lang>=<file>]... [--remove <lang>]...';

export async function captionsCommand(argv: readonly string[]): Promise<number> {
  const { positionals, lists } = parseArgs(argv, { repeat: ['captions', 'remove'] });
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new UsageError(USAGE);
  const [courseId, lessonId, ...rest] = target.split('/');
  if (!courseId || !lessonId || rest.length > 0) throw new UsageError(`expected <course>/<lesson>, got ${JSON.stringify(target)}\n${USAGE}`);
  const add = lists['captions'] ?? [];
  const remove = lists['remove'] ?? [];
  if (add.length === 0 && remove.length === 0) throw new UsageError(`give --captions <lang>=<file> and/or --remove <lang>\n${USAGE}`);
  try {
    const result = await replaceLessonCaptions({ dataDir: dataDirFromEnv(), courseId, lessonId, add: add.map(parseCaptionSpec), remove });
    const lines = [`captions of ${courseId}/${lessonId} (version ${result.version}) updated; the video was not touched`];
    for (const c of result.added) lines.push(`  added    ${c.language} (${c.name}): ${c.track.cues.length} cues from ${c.track.file}`);
    for (const tag of result.removed) lines.push(`  removed  ${tag}`);
    lines.push(`  tracks   ${result.tracks.map((t) => t.language).join(', ') || 'none'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const warning of describeWarnings(result.added)) process.stderr.write(`  warning  ${warning}\n`);
    return 0;
  } catch (error) {
    return reportPipelineError('captions', error);
  }
}
