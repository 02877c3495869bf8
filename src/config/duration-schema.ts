import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/** A duration as dispatch.yml writes it ("90s", "5m", "1h30m", "2d"), read as seconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write e.g. 90s, 5m, 1h30m or 2d` });
    return z.NEVER;
  }
  return seconds;
});
