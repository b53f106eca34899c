/**
 * The dashboard's URL space (docs/DASHBOARD.md): `/ui` and every path below it. The bundle's
 * files are under `/ui/assets/` (hashed names, cached for good); every other path is a page of
 * the single-page application, answered with its index.html (revalidated on every load). No
 * path is ever mapped onto the file system but an asset's name, which is one plain segment.
 */
export const DASHBOARD_PREFIX = '/ui';

/** The folder of the bundle's files, below the prefix (Vite's `build.assetsDir`). */
export const ASSETS_FOLDER = 'assets';

/** Hashed files never change under their name. */
export const CACHE_ASSET = 'public, max-age=31536000, immutable';
/** The page is asked for again (a conditional GET) on every load, so a new build is seen at once. */
export const CACHE_PAGE = 'no-cache';

/** A bundle file name: one segment, not starting with a dot (no ".", "..", dotfiles, no separators, no escapes). */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export type DashboardTarget = { kind: 'page' } | { kind: 'asset'; name: string } | { kind: 'missing' };

/** `path` (req.path, as sent) is the dashboard's: `/ui` or below `/ui/`. */
export function isDashboardPath(path: string): boolean {
  return path === DASHBOARD_PREFIX || path.startsWith(`${DASHBOARD_PREFIX}/`);
}

/** What a dashboard path names: a bundle file of assets/, a missing one, or a page (the SPA fallback). */
export function dashboardTarget(path: string): DashboardTarget {
  const assets = `${DASHBOARD_PREFIX}/${ASSETS_FOLDER}/`;
  if (!path.startsWith(assets)) return { kind: 'page' };
  const name = path.slice(assets.length);
  return ASSET_NAME.test(name) ? { kind: 'asset', name } : { kind: 'missing' };
}

/**
 * Headers of the page: it loads only the bundle's own files and calls only this origin's API
 * (no inline script, no third party), and may not be framed.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': CACHE_PAGE,
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export const ASSET_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': CACHE_ASSET,
  'X-Content-Type-Options': 'nosniff',
};
