import { timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import zipcodeToTimezone from 'zipcode-to-timezone';
import { leadZones } from '../core/reply-words.js';

/**
 * The time zones a lead may be in, from what we know of them: Google's libphonenumber time zone
 * map for the phone's area code, and a zip code table. The data lives in the two packages; the
 * choice between them is the pure `leadZones`. The first is the one times are written in.
 */
export async function lookUpLeadZones(
  lead: { phone: string | null; zip: string | null },
  teamZone: string,
): Promise<string[]> {
  const parsed = lead.phone ? parsePhoneNumberFromString(lead.phone) : undefined;
  const phoneZones = parsed ? ((await timezones(parsed).catch(() => null)) ?? []) : [];
  const zipZone = lead.zip ? (zipcodeToTimezone.lookup(lead.zip.slice(0, 5)) ?? undefined) : undefined;
  return leadZones({ phoneZones, zipZone, teamZone });
}
