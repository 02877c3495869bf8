/**
 * Languages a lead or agent may name in their own words ("Español", "Tiếng Việt"): the common ones
 * on US real-estate teams. Only their ISO codes are listed; Intl supplies every name.
 */
const COMMON = [
  'en',
  'es',
  'pt',
  'fr',
  'de',
  'it',
  'zh',
  'vi',
  'ko',
  'ja',
  'tl',
  'ar',
  'hi',
  'ru',
  'pl',
  'uk',
  'fa',
  'he',
];

const ENGLISH_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "español" → "spanish", "tiếng việt" → "vietnamese": each language's name for itself. */
const NATIVE = new Map(
  COMMON.map((code) => [
    (new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code).toLowerCase(),
    (ENGLISH_NAMES.of(code) ?? code).toLowerCase(),
  ]),
);

/** The lower-case English name of a language given by name, native name or ISO 639 code ("es" → "spanish"). */
export function normalizeLanguage(text: string): string {
  const word = text.trim().toLowerCase();
  const native = NATIVE.get(word);
  if (native) return native;
  if (/^[a-z]{2,3}$/.test(word)) {
    try {
      const name = ENGLISH_NAMES.of(word);
      if (name && name.toLowerCase() !== word) return name.toLowerCase();
    } catch {
      // Not a code Intl knows: keep the word as written.
    }
  }
  return word;
}
