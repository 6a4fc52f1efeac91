/**
 * Wall-clock times in a named time zone. A booking's period is two Unix timestamps, each with
 * the IANA zone it was made in; the calendar shows it as the wall-clock time of that zone.
 */

/** The wall-clock parts of an instant in a zone. */
export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** A zone the browser knows, or UTC (a booking may carry a zone this browser has never heard of). */
export function knownZone(zone: string | undefined): string {
  if (!zone) return 'UTC';
  try {
    formatter(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

export function wallOf(timestampSeconds: number, zone: string): Wall {
  const parts = Object.fromEntries(
    formatter(knownZone(zone))
      .formatToParts(new Date(timestampSeconds * 1000))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-03T09:30:00`, without an offset: the calendar shows it as it reads. */
export function floatingIso(wall: Wall): string {
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:00`;
}

/** The wall-clock parts the calendar gives back as a local Date (it works in the browser's zone). */
export function wallOfLocalDate(date: Date): Wall {
  return {
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
  };
}

/**
 * The Unix timestamp (seconds) at which the zone's clocks show `wall`. Found by taking the
 * wall time as UTC and correcting by the zone's offset there (twice, for a change of offset
 * in between).
 */
export function timestampOf(wall: Wall, zone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) / 1000;
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = wallOf(guess, zone);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute) / 1000;
    guess += asUtc - shownUtc;
  }
  return guess;
}

/** The browser's own zone: new bookings are made in it unless the user picks another. */
export function browserZone(): string {
  return knownZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** `09:30` for minutes after midnight. */
export function minutesText(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** A wall time as a `datetime-local` input shows it (`2026-12-03T09:30`), and back. */
export const inputText = (wall: Wall) => floatingIso(wall).slice(0, 16);

export function wallOfInput(text: string): Wall | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { year, month, day, hour, minute };
}
