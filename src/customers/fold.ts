/**
 * Folds text for search so that what the agent types matches however the CRM spelled it: case,
 * accents and compatibility forms go ("Müller" → "muller", "ﬁ" → "fi"), Greek tonos and final
 * sigma too ("Παπαδόπουλος" → "παπαδοπουλοσ"), which FTS5's own diacritic folding leaves alone.
 * Indexed text and queries both pass through here, so each script is matched in itself.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .replace(/ς/g, 'σ');
}

/**
 * What the agent typed as an FTS5 query: every word must match, the last letters may be missing
 * ("mul ann" finds Anna Müller), except in a query of single letters only. Undefined when nothing
 * searchable is left.
 */
export function wordsQuery(query: string): string | undefined {
  const words = foldForSearch(query).match(/[\p{L}\p{N}]+/gu);
  if (!words) return undefined;
  // A query of single letters only would, as prefixes, match nearly every customer: then they must
  // be whole words. Beside a longer word, an initial is a prefix ("muller j" finds Jürgen Müller).
  const prefixes = words.some((word) => word.length > 1);
  return words.map((word) => (prefixes || word.length > 1 ? `"${word}"*` : `"${word}"`)).join(' ');
}
