/**
 * The API key of this browser tab, in sessionStorage (gone when the tab closes, never sent
 * anywhere but this origin's API). null: not logged in; '': logged in without a key (an open API).
 */
const STORE = 'herald.apiKey';

export function currentKey(): string | null {
  try {
    return sessionStorage.getItem(STORE);
  } catch {
    return null;
  }
}

export function saveKey(key: string): void {
  sessionStorage.setItem(STORE, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORE);
}

/** The Authorization header of the stored key (none for an open API). */
export function authHeaders(): Record<string, string> {
  const key = currentKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}
