// Times as the demo page shows them, in the team's zone: the clock with its date, a deadline with its
// weekday unless it is today (the demo's today, which may be days from the real one).

const parts = (date, zone, options) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, ...options }).format(date);

/** The header clock: "Wed, Nov 25, 10:40:05 AM". */
export function clockTime(date, zone) {
  return parts(date, zone, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A deadline: "11:00 AM" today, "Thu 11:00 AM" another day within the week, "Thu, Dec 3, 11:00 AM" beyond. */
export function deadlineTime(date, now, zone) {
  const day = (d) => parts(d, zone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = { hour: 'numeric', minute: '2-digit' };
  if (day(date) === day(now)) return parts(date, zone, time);
  if (date.getTime() - now.getTime() < 6 * 86_400_000)
    return parts(date, zone, { weekday: 'short', ...time });
  return parts(date, zone, { weekday: 'short', month: 'short', day: 'numeric', ...time });
}
