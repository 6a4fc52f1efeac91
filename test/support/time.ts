/** Wall-clock times in a time zone as epoch seconds, through Intl (no hand-made offsets). */
const formats = new Map<string, Intl.DateTimeFormat>();

function wallClockOf(epochMs: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const parts = new Map(format.formatToParts(epochMs).map((p) => [p.type, Number(p.value)]));
  const part = (name: Intl.DateTimeFormatPartTypes) => parts.get(name) ?? 0;
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/**
 * The epoch second at which the clocks of `timeZone` show the given wall time. Where the wall
 * time happens twice (autumn), `fold: 1` picks the second one; times that never happen throw.
 */
export function zoned(timeZone: string, wall: string, fold: 0 | 1 = 0): number {
  const [date, time] = wall.split(' ') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const candidates = new Set<number>();
  for (const guessOffset of [-14, -12, -10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10, 12, 14]) {
    const guess = asUtc - guessOffset * 3_600_000;
    const offset = wallClockOf(guess, timeZone) - guess;
    const candidate = asUtc - offset;
    if (wallClockOf(candidate, timeZone) === asUtc) candidates.add(candidate);
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  const pick = sorted[Math.min(fold, sorted.length - 1)];
  if (pick === undefined) throw new Error(`${wall} does not happen in ${timeZone}`);
  return pick / 1000;
}
