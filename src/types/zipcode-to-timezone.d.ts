/** zipcode-to-timezone ships no types: it maps a 5-digit US zip to an IANA zone, or null. */
declare module 'zipcode-to-timezone' {
  const zipcodeToTimezone: { lookup(zip: string): string | null };
  export default zipcodeToTimezone;
}
