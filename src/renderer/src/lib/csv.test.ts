import { describe, expect, it } from 'vitest';
import { buildCsv, csvCell, parseCsv } from '../composables/csv';

describe('csv', () => {
  it('quotes cells with commas, quotes, line breaks and edge spaces', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('round-trips through the parser', () => {
    const header = ['round', 'label', 'value'];
    const rows = [
      [0, 'dense, unpruned', 0.97],
      [1, 'a "quoted" one', null],
      [2, 'multi\nline', 1e-7],
    ];
    const text = buildCsv(header, rows);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual(header);
    expect(parsed.slice(1)).toEqual([
      ['0', 'dense, unpruned', '0.97'],
      ['1', 'a "quoted" one', ''],
      ['2', 'multi\nline', '1e-7'],
    ]);
  });
});
