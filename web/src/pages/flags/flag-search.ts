/** The flags list's search: a case-insensitive substring of the key or the name; blank matches all. */
export function matchesFlagSearch(flag: { key: string; name: string }, query: string): boolean {
  const q = query.trim().toLowerCase();
  return !q || flag.key.toLowerCase().includes(q) || flag.name.toLowerCase().includes(q);
}
