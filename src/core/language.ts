/** The lower-case English name of a language given by name or ISO 639 code ("es" → "spanish"). */
export function normalizeLanguage(text: string): string {
  const word = text.trim().toLowerCase();
  if (/^[a-z]{2,3}$/.test(word)) {
    try {
      const name = LANGUAGE_NAMES.of(word);
      if (name && name.toLowerCase() !== word) return name.toLowerCase();
    } catch {
      // Not a code Intl knows: keep the word as written.
    }
  }
  return word;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
