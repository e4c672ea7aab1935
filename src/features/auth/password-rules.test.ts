import { describe, expect, it } from 'vitest';
import { passwordRules } from './password-rules';

describe('passwordRules', () => {
  it('states the pool policy in plain words', () => {
    expect(
      passwordRules({ minLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSpecialCharacters: true }),
    ).toBe('At least 12 characters, with upper- and lower-case letters, a number and a symbol such as ! or #.');
    expect(passwordRules({ minLength: 8 })).toBe('At least 8 characters.');
  });
});
