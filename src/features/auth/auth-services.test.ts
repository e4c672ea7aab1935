import { describe, expect, it } from 'vitest';
import { normalizeSignUpInput, normalizeUsername } from './auth-services';

describe('auth services', () => {
  it('normalizes phone-number and email sign-in names', () => {
    expect(normalizeUsername(' +1 (555) 010-0199 ')).toBe('+15550100199');
    expect(normalizeUsername('Alice@Example.com ')).toBe('alice@example.com');
    expect(normalizeUsername('sub-123')).toBe('sub-123');
  });

  it('turns the beta checkbox into custom:is_beta_user and drops empty optional fields', () => {
    const ticked = normalizeSignUpInput({
      username: 'a@example.com',
      password: 'x',
      options: { userAttributes: { 'custom:is_beta_user': 'true', preferred_username: ' ', birthdate: '1990-04-23' } },
    });
    expect(ticked.options?.userAttributes).toEqual({ 'custom:is_beta_user': 'true', birthdate: '1990-04-23' });
    const unticked = normalizeSignUpInput({ username: 'a@example.com', password: 'x', options: { userAttributes: {} } });
    expect(unticked.options?.userAttributes).toEqual({ 'custom:is_beta_user': 'false' });
  });
});
