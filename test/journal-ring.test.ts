/**
 * The journal's ring (src/journal/ring.ts) keeps entry texts as bytes in one buffer used as a
 * circular log: whatever sizes come, in whatever order, it must give back exactly the newest
 * `size` entries, each text whole, with their ids, batch ties and times.
 */
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../src/journal/entry.js';
import { compileFilter } from '../src/journal/filter.js';
import { Ring } from '../src/journal/ring.js';

/** A small deterministic generator (mulberry32), so a failure can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters of one, two, three and four UTF-8 bytes. */
const ALPHABET = ['a', 'é', 'ж', '€', '😀'];

function recordOf(next: () => number, n: number): JournalRecord {
  // Mostly small entries, now and then one of up to 40,000 characters (a cut result's size).
  const length = next() < 0.05 ? Math.floor(next() * 40_000) : 1 + Math.floor(next() * 300);
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return {
    method: next() < 0.5 ? 'booking.v1.waitlist.get' : 'booking.v1.booking.add',
    status: next() < 0.9 ? 200 : 400,
    startedAt: 1_796_000_000_000 + n,
    members: `"n":${n},"text":${JSON.stringify(text)}`,
  };
}

const everything = compileFilter({});

describe('the journal ring', () => {
  for (const size of [1, 3, 50]) {
    it(`keeps exactly the newest ${size} of 1,500 entries of mixed sizes, texts whole`, () => {
      const next = random(size);
      const ring = new Ring(size);
      const model: { id: number; batchId?: number; record: JournalRecord }[] = [];
      for (let n = 0; n < 1500; n++) {
        const record = recordOf(next, n);
        const last = model.at(-1);
        const batchId = last !== undefined && next() < 0.2 ? last.id : undefined;
        const id = ring.add(record, batchId);
        model.push({ id, batchId, record });
        const expected = model.slice(-size).map(({ id: kept, batchId: tie, record: r }) => ({
          id: kept,
          text: `{"id":${kept},${tie === undefined ? '' : `"batchId":${tie},`}"time":"${new Date(r.startedAt).toISOString()}",${r.members}}`,
        }));
        expect(ring.select(everything)).toEqual(expected);
      }
      expect(model.map((m) => m.id)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    });
  }

  it('never writes over a kept text at the edges of its buffer (16 KB at first)', () => {
    const texts = (ring: Ring) => ring.select(everything).map((line) => JSON.parse(line.text).t as string);
    const add = (ring: Ring, letter: string, bytes: number) =>
      // `"t":"...","z":1`: 12 bytes more than the string in it; it starts with `"` and ends with
      // `1`, so a text written one byte over the next one's start breaks it.
      ring.add({ method: 'm', status: 200, startedAt: 0, members: `"t":"${letter.repeat(bytes - 12)}","z":1` });
    // After the end no room, before the oldest one byte short: the buffer grows.
    const two = new Ring(2);
    add(two, 'a', 8000);
    add(two, 'b', 8000);
    add(two, 'c', 8001);
    expect(texts(two)).toEqual(['b'.repeat(7988), 'c'.repeat(7989)]);
    // Wrapped (the newest text at the start, the oldest further on): one byte short between.
    const three = new Ring(3);
    for (const letter of ['a', 'b', 'c', 'd']) add(three, letter, 5000);
    add(three, 'e', 5001);
    expect(texts(three)).toEqual(['c'.repeat(4988), 'd'.repeat(4988), 'e'.repeat(4989)]);
    // And with room to the byte: written in place, nothing lost.
    add(three, 'f', 5000);
    expect(texts(three)).toEqual(['d'.repeat(4988), 'e'.repeat(4989), 'f'.repeat(4988)]);
  });

  it('filters by method, status, since and limit, and starts empty again after a clear', () => {
    const ring = new Ring(10);
    const record = (method: string, status: number, n: number): JournalRecord => ({
      method,
      status,
      startedAt: n,
      members: `"n":${n}`,
    });
    for (let n = 1; n <= 12; n++)
      ring.add(record(n % 2 ? 'crm.deal.add' : 'booking.v1.booking.get', n % 3 ? 200 : 404, n));
    const ids = (filter: Parameters<typeof compileFilter>[0]) => ring.select(compileFilter(filter)).map((l) => l.id);
    expect(ids({})).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(ids({ method: 'crm.*' })).toEqual([3, 5, 7, 9, 11]);
    expect(ids({ status: '4xx' })).toEqual([3, 6, 9, 12]);
    expect(ids({ since: 9, limit: 2 })).toEqual([11, 12]);
    expect(ring.newest(everything.matches)?.id).toBe(12);
    ring.clear();
    expect(ids({})).toEqual([]);
    ring.add(record('crm.deal.add', 200, 13));
    expect(ring.select(everything)).toEqual([{ id: 13, text: `{"id":13,"time":"1970-01-01T00:00:00.013Z","n":13}` }]);
  });
});
