import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The newest modification time of any file under `dir`, in ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt(): number {
  try {
    return statSync(join(ROOT, 'dist/cli.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Node's arguments to run the app as `npm start` does: the compiled `dist/` (which `npm ci` builds
 * through `prepare`), rebuilt first when a source file is newer. For tests that measure the process
 * itself (its RSS): under the tsx loader the app carries the loader's thread and caches too.
 */
export function builtAppArgs(): string[] {
  if (builtAt() < newest(join(ROOT, 'src'))) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
  }
  return ['--max-semi-space-size=4', join(ROOT, 'bin/lead-dispatch.js')];
}
