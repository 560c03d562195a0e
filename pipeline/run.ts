/** Thin child-process runner shared by probe, encode and measurement. */
import { spawn } from 'node:child_process';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** Up to the last 64 KiB of stderr. */
  readonly stderr: string;
}

export interface RunOptions {
  /** Receives stdout as it arrives (stdout is then not kept in the result). */
  readonly onStdout?: (chunk: string) => void;
  readonly signal?: AbortSignal;
  /** Working directory of the child (default: this process's). */
  readonly cwd?: string;
}

const STDERR_KEEP = 64 * 1024;

export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (options.onStdout) options.onStdout(chunk);
      else stdout += chunk;
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > STDERR_KEEP * 2) stderr = stderr.slice(-STDERR_KEEP);
    });
    const abort = () => child.kill('SIGTERM');
    if (options.signal) {
      if (options.signal.aborted) abort();
      else options.signal.addEventListener('abort', abort, { once: true });
    }
    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', abort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      resolve({ code, signal, stdout, stderr: stderr.slice(-STDERR_KEEP) });
    });
  });
}
