/**
 * Which time-zone names the server accepts, as PHP's `DateTimeZone` does: IANA names (checked
 * by the platform's own time-zone database through Intl), and UTC offsets such as `+02:00`.
 */
const OFFSET = /^[+-](0\d|1[0-4]):?[0-5]\d$/;
const known = new Map<string, boolean>();

export function isTimeZone(name: string): boolean {
  if (name === '') return false;
  if (OFFSET.test(name)) return true;
  let answer = known.get(name);
  if (answer === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      answer = true;
    } catch {
      answer = false;
    }
    // Remember the answer for names seen before; a flood of new names only costs a lookup each.
    if (known.size < 10_000) known.set(name, answer);
  }
  return answer;
}
