// The doc pages under a directory, for the scripts that read the docs into fixtures.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.md` file under `dir`, depth first, in directory order. */
export function* markdownFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* markdownFiles(path);
    else if (entry.name.endsWith('.md')) yield path;
  }
}
