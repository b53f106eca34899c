import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ASSETS_FOLDER } from './domain/dashboard-paths';

/**
 * The built dashboard: `dist/ui` below the working directory (where `npm run build` writes it,
 * and where package.json is read for the version), made of index.html and the hashed files of
 * assets/. Read on each request, so a new build is served without a restart.
 */
export class DashboardBundle {
  constructor(readonly root: string = resolve(process.cwd(), 'dist', 'ui')) {}

  /** index.html, or undefined when the dashboard was not built. */
  index(): Promise<string | undefined> {
    return fileAt(join(this.root, 'index.html'));
  }

  /** A file of assets/ by its (already checked) name, or undefined when the bundle has none. */
  asset(name: string): Promise<string | undefined> {
    return fileAt(join(this.root, ASSETS_FOLDER, name));
  }
}

async function fileAt(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}
