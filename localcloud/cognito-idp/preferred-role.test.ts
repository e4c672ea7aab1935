import { describe, expect, it } from 'vitest';
import { preferredRoleOf } from './tokens';

/** cognito:preferred_role as AWS documents it for group Precedence (AWS::Cognito::UserPoolGroup). */
describe('preferredRoleOf', () => {
  const a = 'arn:aws:iam::1:role/a';
  const b = 'arn:aws:iam::1:role/b';
  it('is the role of the group with the lowest precedence; groups without one rank last', () => {
    expect(preferredRoleOf([{ precedence: 5, roleArn: b }, { precedence: 1, roleArn: a }])).toBe(a);
    expect(preferredRoleOf([{ roleArn: b }, { precedence: 9, roleArn: a }])).toBe(a);
  });
  it('ignores groups without a role', () => {
    expect(preferredRoleOf([{ precedence: 0 }, { precedence: 3, roleArn: b }])).toBe(b);
    expect(preferredRoleOf([{ precedence: 0 }])).toBeUndefined();
    expect(preferredRoleOf([])).toBeUndefined();
  });
  it('is unset when the best groups tie with different roles, and their role when they share it', () => {
    expect(preferredRoleOf([{ precedence: 1, roleArn: a }, { precedence: 1, roleArn: b }, { precedence: 2, roleArn: a }])).toBeUndefined();
    expect(preferredRoleOf([{ precedence: 1, roleArn: a }, { precedence: 1, roleArn: a }, { precedence: 2, roleArn: b }])).toBe(a);
    expect(preferredRoleOf([{ roleArn: a }, { roleArn: b }])).toBeUndefined();
  });
});
