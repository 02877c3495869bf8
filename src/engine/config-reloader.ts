import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { readConfigFile } from '../config/load-dispatch.js';
import type { DispatchContext } from '../dispatch/context.js';
import {
  contentHash,
  pendingReloads,
  type ReloadResult,
  type ReloadSource,
  type ReloadTrigger,
  reloadConfig,
} from '../dispatch/reload-config.js';
import { type EngineLoop, KickedPass } from './loop.js';

/** Editors write a file in several steps (truncate, write, rename); one reload after they settle. */
export const FILE_SETTLE_MS = 300;

/**
 * Reloads dispatch.yml when asked: a SIGHUP or `/dispatch reload` in this process (`reload()`),
 * a `lead-dispatch reload` from another process (a request row, found on each pass: the sweeper
 * kicks this loop every second), and a change to the file itself. The file is watched through its
 * folder, since editors and config managers replace a file by renaming a new one over it, which a
 * watch on the file itself would stop seeing; a settle delay makes a burst of writes one reload,
 * and a hash of the text skips events that changed nothing. stop() closes the watch.
 */
export class ConfigReloader implements EngineLoop {
  readonly name = 'config';
  private readonly pass: KickedPass;
  private watcher: FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  /** The hash of the text last read, so a watch event for an unchanged file does nothing. */
  private lastSeen: string | undefined;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly source: ReloadSource,
    /** After a reload applied: deliver the note, refresh App Homes. */
    private readonly changed: () => void,
  ) {
    this.pass = new KickedPass(
      async () => {
        this.answerRequests();
        return false;
      },
      (error) => ctx.log.error('config reload pass failed; the next pass retries', { error: String(error) }),
    );
    this.lastSeen = this.currentHash();
  }

  /** Reloads now (SIGHUP, `/dispatch reload`); never throws. */
  reload(trigger: ReloadTrigger, requestedBy?: string): ReloadResult | undefined {
    return this.run(trigger, requestedBy === undefined ? undefined : { requestedBy });
  }

  kick(): void {
    this.pass.kick();
  }

  runOnce(): Promise<void> {
    return this.pass.runOnce();
  }

  start(): void {
    if (this.watcher) return;
    const file = resolve(this.source.file);
    const name = basename(file);
    try {
      this.watcher = watch(dirname(file), (_event, changed) => {
        // A ConfigMap swaps a `..data` link; other files in the folder (a database) are not ours.
        if (changed !== null && changed !== name && !changed.startsWith('..')) return;
        clearTimeout(this.settle);
        this.settle = setTimeout(() => this.fileChanged(), FILE_SETTLE_MS).unref();
      });
      this.watcher.on('error', (error) => {
        this.ctx.log.warn('cannot watch dispatch.yml any more; SIGHUP or lead-dispatch reload still work', {
          error: String(error),
        });
        this.closeWatcher();
      });
    } catch (error) {
      this.ctx.log.warn('cannot watch dispatch.yml; SIGHUP or lead-dispatch reload still work', {
        error: String(error),
      });
    }
  }

  stop(): void {
    this.closeWatcher();
  }

  idle(): Promise<void> {
    return this.pass.idle();
  }

  private closeWatcher(): void {
    clearTimeout(this.settle);
    this.settle = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private fileChanged(): void {
    if (!this.watcher) return;
    if (this.currentHash() === this.lastSeen) return;
    this.run('file');
  }

  private answerRequests(): void {
    for (const request of pendingReloads(this.ctx)) this.run(request.trigger, { id: request.id });
  }

  private run(
    trigger: ReloadTrigger,
    request?: { id?: number; requestedBy?: string },
  ): ReloadResult | undefined {
    try {
      // The hash is taken before reading: a write in between is seen by the next event.
      this.lastSeen = this.currentHash();
      const result = reloadConfig(this.ctx, this.source, trigger, request);
      this.changed();
      return result;
    } catch (error) {
      this.ctx.log.error('config reload failed; the running config stays', { error: String(error) });
      return undefined;
    }
  }

  private currentHash(): string | undefined {
    try {
      return contentHash(readConfigFile(this.source.file));
    } catch {
      return undefined;
    }
  }
}
