import { describe, expect, it } from 'vitest';
import { errorMessage, formatAccuracy, formatDuration, formatLr, formatPercent, parseNumber, roundLabel, sentence } from './format';

describe('format', () => {
  it('writes percentages, accuracies and learning rates the way papers do', () => {
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(51.2689)).toBe('51.3%');
    expect(formatPercent(0.4873)).toBe('0.49%');
    expect(formatAccuracy(0.97254)).toBe('97.25%');
    expect(formatLr(0.0012)).toBe('1.2e-3');
    expect(formatLr(0.05)).toBe('0.05');
    expect(parseNumber('1.2e-3')).toBe(0.0012);
    expect(parseNumber(' 1_000 ')).toBe(1000);
    expect(parseNumber('1.2e-')).toBeNull();
    expect(parseNumber('')).toBeNull();
  });

  it('writes durations and round labels', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(7500)).toBe('2 h 05 min');
    expect(formatDuration(null)).toBe('–');
    expect(roundLabel(0, 8)).toBe('Round 0 of 7 (dense)');
    expect(roundLabel(3, 8)).toBe('Round 3 of 7');
  });

  it('turns any thrown value into a message', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage({ code: 'not_found', message: 'no run' })).toBe('no run');
    expect(errorMessage(42)).toBe('Something went wrong.');
    expect(sentence('the app closed while this run was training')).toBe('The app closed while this run was training.');
    expect(sentence('Done.')).toBe('Done.');
  });
});
