import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ConfigError } from './config';
import { readKeyEntries } from './key-entries';

describe('readKeyEntries', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'touchline-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the inline list, then the file, naming where each entry was written', () => {
    const file = join(dir, 'keys');
    writeFileSync(file, '# comment\n\n  c:3  \r\nd:4\n');
    const problems: string[] = [];
    expect(readKeyEntries('TOUCHLINE_X', ' a:1, ,b:2 ', file, problems)).toEqual([
      { where: 'TOUCHLINE_X entry 1', text: 'a:1' },
      { where: 'TOUCHLINE_X entry 2', text: 'b:2' },
      { where: `${file} line 3`, text: 'c:3' },
      { where: `${file} line 4`, text: 'd:4' },
    ]);
    expect(problems).toEqual([]);
  });

  it('reports an unreadable file under the variable that names it, for both key lists', () => {
    const missing = join(dir, 'missing');
    let error: ConfigError | undefined;
    try {
      loadConfig({ TOUCHLINE_API_KEYS_FILE: missing, TOUCHLINE_MASTER_KEYS_FILE: missing });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        'TOUCHLINE_API_KEYS_FILE cannot be read: ENOENT',
        'TOUCHLINE_MASTER_KEYS_FILE cannot be read: ENOENT',
      ]),
    );
  });
});
