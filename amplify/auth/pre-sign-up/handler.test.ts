import type { Context, PreSignUpTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { TOO_YOUNG_MESSAGE } from './birthdate';
import { handler } from './handler';

function event(userAttributes: Record<string, string>): PreSignUpTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TEST',
    userName: 'a1b2c3',
    triggerSource: 'PreSignUp_SignUp',
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'client' },
    request: { userAttributes },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

const invoke = (e: PreSignUpTriggerEvent) => handler(e, {} as Context, () => {});

describe('pre sign-up handler', () => {
  it('lets a sign-up without a birthdate through unchanged', async () => {
    const e = event({ email: 'a@example.com' });
    await expect(invoke(e)).resolves.toEqual(e);
  });

  it('lets an adult through without auto-confirming anything', async () => {
    const result = (await invoke(event({ birthdate: '1990-04-23' }))) as PreSignUpTriggerEvent;
    expect(result.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  });

  it('refuses a child with a message a person understands', async () => {
    const today = new Date();
    const tenYearsAgo = `${today.getUTCFullYear() - 10}-01-01`;
    await expect(invoke(event({ birthdate: tenYearsAgo }))).rejects.toThrow(TOO_YOUNG_MESSAGE);
  });

  it('refuses an impossible date', async () => {
    await expect(invoke(event({ birthdate: '1990-02-31' }))).rejects.toThrow(/YYYY-MM-DD/);
  });
});
