import type Database from 'better-sqlite3';

/** The environment variable that arms the hook; set only by the chaos suite (chaos/). */
export const CHAOS_DISK_FULL_ENV = 'LEAD_DISPATCH_CHAOS_DISK_FULL';

/**
 * Test-only hook for the chaos suite (README "Chaos suite"): with LEAD_DISPATCH_CHAOS_DISK_FULL=1,
 * each SIGUSR2 toggles a full disk for the app's database. "Full" caps the file at the pages it has
 * now (`PRAGMA max_page_count`), so any write that needs a new page fails with SQLITE_FULL, as on a
 * full disk; the next SIGUSR2 gives the room back without a restart, as an operator freeing space
 * would. A pragma on our own connection works on any machine, where a full loop-mounted or tmpfs
 * file system needs root. Without the variable nothing is armed.
 */
export function armDiskFullSignal(sqlite: Database.Database, env: NodeJS.ProcessEnv = process.env): void {
  if (env[CHAOS_DISK_FULL_ENV] !== '1') return;
  const roomy = Number(sqlite.pragma('max_page_count', { simple: true }));
  let full = false;
  process.on('SIGUSR2', () => {
    full = !full;
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${full ? pages : roomy}`);
  });
}
