import { describe, expect, it } from 'vitest';
import { confirmSignUpInput, normalizeSignUpInput, normalizeUsername, pendingBirthdates } from './auth-services';

describe('auth services', () => {
  it('normalizes phone-number and email sign-in names', () => {
    expect(normalizeUsername(' +1 (555) 010-0199 ')).toBe('+15550100199');
    expect(normalizeUsername('Alice@Example.com ')).toBe('alice@example.com');
    expect(normalizeUsername('sub-123')).toBe('sub-123');
  });

  it('reads a phone number typed without a country code with the sign-up country (+1)', () => {
    expect(normalizeUsername('555 123 0001')).toBe('+15551230001');
    expect(normalizeUsername('(555) 123-0001')).toBe('+15551230001');
    expect(normalizeUsername('555.123.0001')).toBe('+15551230001');
    expect(normalizeUsername('1 555 123 0001')).toBe('+15551230001');
    expect(normalizeUsername('0044 20 7946 0000')).toBe('+442079460000');
    expect(normalizeUsername('20 7946 0000', '+44')).toBe('+442079460000');
  });

  it('turns the beta checkbox into custom:is_beta_user and drops empty optional fields', () => {
    const ticked = normalizeSignUpInput({
      username: 'a@example.com',
      password: 'x',
      options: { userAttributes: { 'custom:is_beta_user': 'true', preferred_username: ' ', birthdate: '1990-04-23' } },
    });
    expect(ticked.options?.userAttributes).toEqual({ 'custom:is_beta_user': 'true' });
    const unticked = normalizeSignUpInput({ username: 'a@example.com', password: 'x', options: { userAttributes: {} } });
    expect(unticked.options?.userAttributes).toEqual({ 'custom:is_beta_user': 'false' });
  });

  it('sends the birthdate as ClientMetadata (the app client may not write it), and again when confirming in this tab', () => {
    const input = normalizeSignUpInput({
      username: 'Bea@Example.com',
      password: 'x',
      options: { userAttributes: { email: 'bea@example.com', birthdate: ' 1990-04-23 ' } },
    });
    expect(input.options?.userAttributes).not.toHaveProperty('birthdate');
    expect(input.options?.clientMetadata).toEqual({ birthdate: '1990-04-23' });
    expect(normalizeSignUpInput({ username: 'a@example.com', password: 'x', options: { userAttributes: { birthdate: '' } } }).options).not.toHaveProperty('clientMetadata');

    expect(confirmSignUpInput({ username: 'bea@example.com', confirmationCode: '123456' })).toEqual({ username: 'bea@example.com', confirmationCode: '123456' });
    pendingBirthdates.remember('bea@example.com', '1990-04-23');
    expect(confirmSignUpInput({ username: 'Bea@example.com ', confirmationCode: '123456' })).toEqual({
      username: 'Bea@example.com ',
      confirmationCode: '123456',
      options: { clientMetadata: { birthdate: '1990-04-23' } },
    });
    pendingBirthdates.forget('bea@example.com');
    expect(confirmSignUpInput({ username: 'bea@example.com', confirmationCode: '1' }).options).toBeUndefined();
  });
});
