import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { MessageStore, SYNC_BATCH } from '../../src/engine/slack-sync/message-store.js';

/** Three offers due for their first DM (to two agents) and one posted offer due for an update; `extra` more for U2. */
function storeWithDueRows(extra = 0): MessageStore {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  const sqlite = db.$client;
  for (const id of ['U1', 'U2'])
    sqlite
      .prepare(
        `insert into agents (id, name, roles, zips, cities, languages, weight, active, in_config, synced_at)
         values (?, ?, '[]', '[]', '[]', '[]', 1, 1, 1, 0)`,
      )
      .run(id, id);
  const task = sqlite.prepare(
    `insert into tasks (source, external_id, type, status, tags, payload, received_at, created_at)
     values ('zillow', ?, 'buyer', 'offered', '[]', '{}', 0, 0)`,
  );
  const offer = sqlite.prepare(
    `insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline, dm_channel, dm_ts)
     values (?, ?, 0, 'live', 'test', 0, 0, ?, ?)`,
  );
  const rows: Array<[string, string | null, string | null]> = [
    ['U1', null, null],
    ['U2', null, null],
    ['U1', null, null],
    ['U2', 'D2', '1.0001'],
    ...Array.from({ length: extra }, (): [string, null, null] => ['U2', null, null]),
  ];
  for (const [i, [agent, channel, ts]] of rows.entries()) {
    const taskId = Number(task.run(`e${i}`).lastInsertRowid);
    offer.run(taskId, agent, channel, ts);
  }
  // Every row one version ahead of what Slack shows.
  sqlite.prepare('update offers set version = 2, rendered_version = 1').run();
  return new MessageStore(sqlite, {
    table: 'offers',
    recipient: { column: 'agent_id' },
    channel: 'dm_channel',
    ts: 'dm_ts',
    postedAt: 'dm_posted_at',
  });
}

describe('MessageStore: due rows with and without conversations that must wait', () => {
  const now = new Date(0);

  it('with nobody waiting, every due post comes back oldest task first', () => {
    const store = storeWithDueRows();
    expect(store.duePosts(now).map((p) => [p.taskId, p.recipient])).toEqual([
      [1, 'U1'],
      [2, 'U2'],
      [3, 'U1'],
    ]);
    expect(store.dueUpdates(now)).toEqual([4]);
  });

  it('leaves out the posts and updates of a conversation that must wait', () => {
    const store = storeWithDueRows();
    expect(store.duePosts(now, ['U1']).map((p) => p.taskId)).toEqual([2]);
    expect(store.dueUpdates(now, ['D2'])).toEqual([]);
    expect(store.dueUpdates(now, ['D9'])).toEqual([4]);
  });

  it('returns at most a batch, oldest task first, with and without conversations that must wait', () => {
    const store = storeWithDueRows(SYNC_BATCH);
    const first = store.duePosts(now).map((p) => p.taskId);
    expect(first).toHaveLength(SYNC_BATCH);
    expect(first.slice(0, 4)).toEqual([1, 2, 3, 5]);
    const waiting = store.duePosts(now, ['U1']).map((p) => p.taskId);
    expect(waiting).toHaveLength(SYNC_BATCH);
    expect(waiting.slice(0, 3)).toEqual([2, 5, 6]);
  });
});
