import { ApiError } from './api-error.js';
import type { EmulatorUser } from './types.js';

/** What users.info answers for `id`, as Slack shapes it (name, time zone, status on the profile). */
export function userInfo(
  users: ReadonlyMap<string, EmulatorUser>,
  teamId: string,
  id: string | undefined,
): Record<string, unknown> {
  const user = id ? users.get(id) : undefined;
  if (!id || !user) throw new ApiError('user_not_found');
  const name = user.name ?? id.toLowerCase();
  const realName = user.realName ?? name;
  return {
    id,
    team_id: teamId,
    name,
    real_name: realName,
    deleted: user.deleted ?? false,
    is_bot: false,
    tz: user.tz ?? 'America/New_York',
    profile: {
      real_name: realName,
      display_name: name,
      status_text: user.status?.text ?? '',
      status_emoji: user.status?.emoji ?? '',
      status_expiration: user.status?.expiration ?? 0,
    },
  };
}

/** What dnd.info answers for another user: their schedule, never their snooze (Slack tells only the caller). */
export function dndInfo(
  users: ReadonlyMap<string, EmulatorUser>,
  id: string | undefined,
): Record<string, unknown> {
  const user = id ? users.get(id) : undefined;
  if (!user) throw new ApiError('user_not_found');
  const { snooze_enabled: _snoozed, snooze_endtime: _until, ...schedule } = user.dnd ?? {};
  return { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1, ...schedule };
}
