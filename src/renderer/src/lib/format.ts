// Number, time and label formatting for the UI. Pure functions.
// Conventions: accuracies arrive as fractions (0–1) and show as percent with two decimals;
// % weights remaining arrives in percent (0–100) and shows with one decimal (more below 1 %).

/** 51.2689 → "51.3%", 0.4873 → "0.49%", 100 → "100%". */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return '–';
  if (p >= 99.95) return '100%';
  const digits = p < 1 ? 2 : 1;
  return `${p.toFixed(digits)}%`;
}

/** 0.97254 → "97.25%". */
export function formatAccuracy(a: number): string {
  if (!Number.isFinite(a)) return '–';
  return `${(a * 100).toFixed(2)}%`;
}

export function formatLoss(l: number): string {
  if (!Number.isFinite(l)) return '–';
  return l < 0.01 ? l.toExponential(2) : l.toFixed(4);
}

/** A learning rate the way papers write it: 0.0012 → "1.2e-3", 0.05 → "0.05". */
export function formatLr(lr: number): string {
  if (!Number.isFinite(lr)) return '';
  if (lr !== 0 && Math.abs(lr) < 0.01) {
    const [m, e] = lr.toExponential().split('e');
    return `${m}e${Number(e)}`;
  }
  return String(lr);
}

/** Parse a number a user typed: accepts "1.2e-3", "0.0012", " 5 ", "1_000"; returns null when it is not one. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** 50000 → "50,000". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** Seconds → "45 s", "3 min 20 s", "2 h 05 min", "3 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Iterations per second with sensible precision. */
export function formatRate(itPerSec: number): string {
  if (!Number.isFinite(itPerSec) || itPerSec <= 0) return '–';
  return itPerSec >= 10 ? `${itPerSec.toFixed(0)} it/s` : `${itPerSec.toFixed(1)} it/s`;
}

/** An ISO timestamp as a short local date-time; "today, 14:03" for today. */
export function formatWhen(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const sameDay = d.toDateString() === now.toDateString();
  if (sameDay) return `today, ${time}`;
  const yesterday = new Date(now.getTime() - 86_400_000);
  if (d.toDateString() === yesterday.toDateString()) return `yesterday, ${time}`;
  return `${d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}, ${time}`;
}

/** Elapsed seconds between two ISO timestamps (end defaults to now). */
export function elapsedSeconds(startIso: string | null | undefined, endIso?: string | null, now: number = Date.now()): number | null {
  if (!startIso) return null;
  const a = Date.parse(startIso);
  const b = endIso ? Date.parse(endIso) : now;
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.max(0, (b - a) / 1000);
}

/** A short form of a run id for tables: the first 10 hex digits. */
export function shortId(id: string): string {
  return id.length > 10 ? id.slice(0, 10) : id;
}

/** Turn any thrown value (Error, contract error object, string) into a readable message. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'message' in err && typeof (err as { message: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return 'Something went wrong.';
}

/**
 * Rounds are numbered as the engine numbers them: round 0 trains the dense net, round k follows the
 * k-th pruning step. "Round 2 of 7" = the second pruning round of seven.
 */
export function roundLabel(round: number, totalRounds: number): string {
  const last = Math.max(0, totalRounds - 1);
  if (round === 0) return last === 0 ? 'Round 0 (dense)' : `Round 0 of ${last} (dense)`;
  return `Round ${round} of ${last}`;
}

/** A message as a sentence: capital first letter, final full stop ("the app closed" → "The app closed."). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?…)]$/.test(s) ? s : `${s}.`;
}
