// Timestamp accessors with time zones (`getHours("Europe/Berlin")`, `getDayOfWeek("-08:00")`): IANA names via
// Intl, fixed offsets "[+-]HH:MM". They replace the evaluator's versions (which depend on the host's local time
// zone) by renaming; the duration accessors of the same names are carried over.
import { Duration } from '@marcbachmann/cel-js/evaluator';
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

interface Parts {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const FORMATTER_CACHE = 200;
const OFFSET = /^([+-])?(\d{2}):(\d{2})$/;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f) return f;
  if (timeZone.length > 64) throw celError(`invalid time zone ${JSON.stringify(timeZone.slice(0, 64))}…`);
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
  } catch {
    throw celError(`invalid time zone ${JSON.stringify(timeZone)}`);
  }
  if (formatters.size >= FORMATTER_CACHE) formatters.delete(formatters.keys().next().value as string);
  formatters.set(timeZone, f);
  return f;
}

function utcParts(d: Date): Parts {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

export function partsIn(d: Date, timeZone?: string): Parts {
  if (timeZone === undefined || timeZone === 'UTC') return utcParts(d);
  const offset = OFFSET.exec(timeZone);
  if (offset) {
    const minutes = (Number(offset[2]) * 60 + Number(offset[3])) * (offset[1] === '-' ? -1 : 1);
    return utcParts(new Date(d.getTime() + minutes * 60_000));
  }
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(d)) parts[p.type] = p.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday!),
  };
}

function dayOfYear(p: Parts): number {
  const start = new Date(0);
  start.setUTCFullYear(p.year, 0, 1);
  const day = new Date(0);
  day.setUTCFullYear(p.year, p.month - 1, p.day);
  return Math.round((day.getTime() - start.getTime()) / 86_400_000);
}

const ACCESSORS: Record<string, (p: Parts, d: Date) => number> = {
  getFullYear: (p) => p.year,
  getMonth: (p) => p.month - 1,
  getDate: (p) => p.day,
  getDayOfMonth: (p) => p.day - 1,
  getDayOfWeek: (p) => p.weekday,
  getDayOfYear: (p) => dayOfYear(p),
  getHours: (p) => p.hour,
  getMinutes: (p) => p.minute,
  getSeconds: (p) => p.second,
  getMilliseconds: (_p, d) => ((d.getTime() % 1000) + 1000) % 1000,
};

const DURATION_ACCESSORS: Record<string, (d: Duration) => bigint> = {
  getHours: (d) => d.getHours(),
  getMinutes: (d) => d.getMinutes(),
  getSeconds: (d) => d.getSeconds(),
  // The millisecond component (0–999), not the total.
  getMilliseconds: (d) => BigInt(Math.trunc(d.nanos / 1e6)),
};

const TS = 'google.protobuf.Timestamp';
const DUR = 'google.protobuf.Duration';
const renamed = (name: string) => `tz${name[0]!.toUpperCase()}${name.slice(1)}`;

export const timeLibrary: CelLibrary = {
  name: 'kubernetes.time',
  functions: [
    ...Object.entries(ACCESSORS).flatMap(([name, get]) => [
      { signature: `${TS}.${renamed(name)}(): int`, handler: (d: Date) => BigInt(get(partsIn(d), d)) },
      { signature: `${TS}.${renamed(name)}(string): int`, handler: (d: Date, tz: string) => BigInt(get(partsIn(d, tz), d)) },
    ]),
    ...Object.entries(DURATION_ACCESSORS).map(([name, get]) => ({ signature: `${DUR}.${renamed(name)}(): int`, handler: get })),
  ],
  renames: new Map(Object.keys(ACCESSORS).map((name) => [name, renamed(name)])),
};
