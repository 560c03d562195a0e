import { DEMO_USERS } from '../local/demo-data.ts';
import { DEFAULT_PORT, startLocalSystem } from '../local/start.ts';
import { seedDemoMedia } from '../local/seed-demo.ts';
import { dataDirFromEnv, portFromEnv } from './env.ts';

/** `lectern start` (npm start): the whole system on loopback, with the demo course. */
export async function startCommand(): Promise<number> {
  const dataDir = dataDirFromEnv();
  const port = portFromEnv(DEFAULT_PORT);
  const quiet = process.env['LECTERN_QUIET'] === '1';
  console.log(`lectern: starting the local distribution (data in ${dataDir})`);
  const system = await startLocalSystem({
    dataDir,
    port,
    deferOpen: true,
    // The stack setting lectern:onDemandEncoding, for trying seed 003's mode locally.
    ...(process.env['LECTERN_ON_DEMAND'] === '1' ? { stack: { onDemandEncoding: true } } : {}),
    onListening: (url) => console.log(`lectern: listening on ${url} (answers 503 until ready)`),
    log: quiet ? undefined : (line) => console.log(`  ${line}`),
  });
  await seedDemoMedia(system, (line) => console.log(line));
  system.open();

  const students = DEMO_USERS.map((u) => `    ${u.email.padEnd(22)} ${u.enrolledIn.length ? `enrolled in ${u.enrolledIn.join(', ')}` : 'enrolled in nothing'}`).join('\n');
  console.log(`
lectern is running.

  Open            ${system.url}/watch/demo/lesson-1
  Demo logins (local IdP, no password):
${students}
  Token for curl  npx lectern token student@example.com
  Key-Pair-Id     ${system.keyPair.keyPairId}   (keys in ${dataDir}/keys/)
  IdP issuer      ${system.idp.issuer}

Ctrl-C stops it.`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('lectern: stopping');
  await system.close();
  return 0;
}
