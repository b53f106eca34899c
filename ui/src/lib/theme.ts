/** Light or dark: the system's (prefers-color-scheme) until the toggle picks one, kept in localStorage. */
export type Theme = 'light' | 'dark';

const STORE = 'herald.theme';

function stored(): Theme | undefined {
  try {
    const t = localStorage.getItem(STORE);
    return t === 'light' || t === 'dark' ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Applies the stored choice (before the first render). */
export function applyStoredTheme(): void {
  const t = stored();
  if (t) document.documentElement.dataset.theme = t;
}

export function currentTheme(): Theme {
  const t = document.documentElement.dataset.theme;
  if (t === 'light' || t === 'dark') return t;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function setTheme(t: Theme): void {
  document.documentElement.dataset.theme = t;
  try {
    localStorage.setItem(STORE, t);
  } catch {
    /* private mode: this page only */
  }
}
