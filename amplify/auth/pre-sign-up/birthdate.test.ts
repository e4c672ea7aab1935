import { describe, expect, it } from 'vitest';
import {
  birthdateProblem,
  FUTURE_BIRTHDATE_MESSAGE,
  INVALID_BIRTHDATE_MESSAGE,
  TOO_YOUNG_MESSAGE,
} from './birthdate';

const NOW = new Date('2026-11-23T12:00:00Z');

describe('birthdateProblem', () => {
  it.each(['1990-04-23', '2000-02-29', '1900-01-01', '2013-11-23', '2013-11-22'])('accepts %s', (date) => {
    expect(birthdateProblem(date, NOW)).toBeUndefined();
  });

  it.each([
    ['23/04/1990', 'wrong format'],
    ['1990-4-23', 'unpadded month'],
    ['1990-02-30', 'February 30th'],
    ['2001-02-29', 'not a leap year'],
    ['1990-13-01', 'month 13'],
    ['1990-00-10', 'month 0'],
    ['1899-12-31', 'before 1900'],
    ['', 'empty'],
    ['1990-04-23T00:00:00Z', 'a timestamp'],
    [' 1990-04-23', 'leading space'],
  ])('refuses %s (%s) with the format message', (date) => {
    expect(birthdateProblem(date, NOW)).toBe(INVALID_BIRTHDATE_MESSAGE);
  });

  it('refuses a date in the future', () => {
    expect(birthdateProblem('2026-11-24', NOW)).toBe(FUTURE_BIRTHDATE_MESSAGE);
  });

  it('refuses anyone younger than 13, to the day', () => {
    expect(birthdateProblem('2013-11-24', NOW)).toBe(TOO_YOUNG_MESSAGE);
    expect(birthdateProblem('2020-01-01', NOW)).toBe(TOO_YOUNG_MESSAGE);
    expect(birthdateProblem('2026-11-23', NOW)).toBe(TOO_YOUNG_MESSAGE);
  });

  it('counts a 29 February birthday as reached on 1 March in common years', () => {
    expect(birthdateProblem('2012-02-29', new Date('2025-02-28T23:00:00Z'))).toBe(TOO_YOUNG_MESSAGE);
    expect(birthdateProblem('2012-02-29', new Date('2025-03-01T00:00:00Z'))).toBeUndefined();
  });

  it('speaks to people, not programs', () => {
    expect(TOO_YOUNG_MESSAGE).toBe('You must be at least 13 years old to create an account.');
    expect(INVALID_BIRTHDATE_MESSAGE).toMatch(/YYYY-MM-DD/);
  });
});
