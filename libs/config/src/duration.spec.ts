import { durationRange, formatDuration, parseDuration } from './duration';

const ANY = { min: 0, max: Number.MAX_SAFE_INTEGER };

describe('configuration durations', () => {
  it('reads a whole number with ms, s, m, h or d', () => {
    expect(parseDuration('500ms', ANY)).toBe(500);
    expect(parseDuration('30s', ANY)).toBe(30_000);
    expect(parseDuration('15m', ANY)).toBe(900_000);
    expect(parseDuration('2h', ANY)).toBe(7_200_000);
    expect(parseDuration('1d', ANY)).toBe(86_400_000);
    expect(parseDuration('1234567s', ANY)).toBe(1_234_567_000);
  });

  it('refuses anything else', () => {
    for (const bad of ['15', '1.5h', 'm', '-5m', '15 m', '15M', '1e3s', '', ' 5m', '5mm']) {
      expect(parseDuration(bad, ANY)).toBeNull();
    }
  });

  it('refuses a value outside the bounds, both inclusive', () => {
    const bounds = { min: 1_000, max: 30 * 86_400_000 };
    expect(parseDuration('1s', bounds)).toBe(1_000);
    expect(parseDuration('30d', bounds)).toBe(30 * 86_400_000);
    expect(parseDuration('999ms', bounds)).toBeNull();
    expect(parseDuration('0m', bounds)).toBeNull();
    expect(parseDuration('721h', bounds)).toBeNull();
    expect(parseDuration(`${'9'.repeat(400)}d`, bounds)).toBeNull();
  });

  it('states bounds in the largest exact unit', () => {
    expect(formatDuration(1_000)).toBe('1s');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(1_500)).toBe('1500ms');
    expect(formatDuration(366 * 86_400_000)).toBe('366d');
    expect(durationRange({ min: 1_000, max: 30 * 86_400_000 })).toBe('from 1s to 30d');
  });
});
