import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The stylesheet and the small client script, read once at start and served under a
 * content-hashed URL with a year's cache: a new version is a new URL.
 */
export interface Assets {
  cssUrl: string;
  jsUrl: string;
  /** The file at a hashed URL, or undefined. */
  get(path: string): { body: string; type: string } | undefined;
}

const ASSET_DIR = join(import.meta.dirname, '..', 'assets');

export const loadAssets = (dir: string = ASSET_DIR): Assets => {
  const files = new Map<string, { body: string; type: string }>();
  const add = (name: string, extension: string, type: string): string => {
    const body = readFileSync(join(dir, `${name}.${extension}`), 'utf8');
    const url = `/assets/${name}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${extension}`;
    files.set(url, { body, type });
    return url;
  };
  return {
    cssUrl: add('console', 'css', 'text/css; charset=utf-8'),
    jsUrl: add('console', 'js', 'text/javascript; charset=utf-8'),
    get: (path) => files.get(path),
  };
};
