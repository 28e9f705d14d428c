import { readFileSync } from 'node:fs';

/** One key entry as written, and where it was written, for problems that name the place. */
export interface KeyEntry {
  where: string;
  text: string;
}

/**
 * The entries of a key list given inline (`<name>`: comma-separated) and/or in a file
 * (`<name>_FILE`: one entry per line, blank lines and # comments ignored), in that order. An
 * unreadable file is a problem; the entries themselves are the caller's to check.
 */
export function readKeyEntries(
  name: string,
  inline: string | undefined,
  file: string | undefined,
  problems: string[],
): KeyEntry[] {
  const entries: KeyEntry[] = [];
  if (inline) {
    inline
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .forEach((text, i) => entries.push({ where: `${name} entry ${i + 1}`, text }));
  }
  if (file) {
    let content = '';
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(
        `${name}_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    content.split(/\r?\n/).forEach((line, i) => {
      const text = line.trim();
      if (text && !text.startsWith('#')) entries.push({ where: `${file} line ${i + 1}`, text });
    });
  }
  return entries;
}
