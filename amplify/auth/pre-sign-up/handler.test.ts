import type { Context, PreSignUpTriggerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { TOO_YOUNG_MESSAGE } from './birthdate';

const linkToNativeUser = vi.hoisted(() => vi.fn(async () => ({ linked: false as const, reason: 'test' })));
vi.mock('./link-provider', () => ({ linkToNativeUser }));

const { handler, PHONE_REQUIRED_MESSAGE } = await import('./handler');

type Source = PreSignUpTriggerEvent['triggerSource'];

function event(userAttributes: Record<string, string>, triggerSource: Source = 'PreSignUp_SignUp'): PreSignUpTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TEST',
    userName: triggerSource === 'PreSignUp_ExternalProvider' ? 'Google_1173' : 'a1b2c3',
    triggerSource,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'client' },
    request: { userAttributes },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  } as PreSignUpTriggerEvent;
}

const invoke = (e: PreSignUpTriggerEvent) => handler(e, {} as Context, () => {});
const PHONE = '+15551234567';

describe('pre sign-up handler', () => {
  it('lets a sign-up without a birthdate through unchanged', async () => {
    const e = event({ email: 'a@example.com', phone_number: PHONE });
    await expect(invoke(e)).resolves.toEqual(e);
  });

  it('lets an adult through without auto-confirming anything', async () => {
    const result = (await invoke(event({ birthdate: '1990-04-23', phone_number: PHONE }))) as PreSignUpTriggerEvent;
    expect(result.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  });

  it('refuses a child with a message a person understands', async () => {
    const today = new Date();
    const tenYearsAgo = `${today.getUTCFullYear() - 10}-01-01`;
    await expect(invoke(event({ birthdate: tenYearsAgo, phone_number: PHONE }))).rejects.toThrow(TOO_YOUNG_MESSAGE);
  });

  it('checks the birthdate a sign-up carries as ClientMetadata (people cannot write the attribute)', async () => {
    const withMetadata = (birthdate: string) => ({ ...event({ email: 'a@example.com', phone_number: PHONE }), request: { userAttributes: { phone_number: PHONE }, clientMetadata: { birthdate } } });
    await expect(invoke(withMetadata(`${new Date().getUTCFullYear() - 10}-01-01`))).rejects.toThrow(TOO_YOUNG_MESSAGE);
    await expect(invoke(withMetadata('1990-02-31'))).rejects.toThrow(/YYYY-MM-DD/);
    const adult = withMetadata('1990-04-23');
    await expect(invoke(adult)).resolves.toEqual(adult);
  });

  it('refuses an impossible date', async () => {
    await expect(invoke(event({ birthdate: '1990-02-31', phone_number: PHONE }))).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('asks a password sign-up for the phone number the schema no longer requires', async () => {
    await expect(invoke(event({ email: 'a@example.com' }))).rejects.toThrow(PHONE_REQUIRED_MESSAGE);
    await expect(invoke(event({ email: 'a@example.com', phone_number: ' ' }))).rejects.toThrow(PHONE_REQUIRED_MESSAGE);
  });

  it('lets an administrator create a user without a phone number', async () => {
    const e = event({ email: 'a@example.com' }, 'PreSignUp_AdminCreateUser');
    await expect(invoke(e)).resolves.toEqual(e);
  });

  it('never refuses a first social sign-in: no phone, no birthdate rule; it only tries to link', async () => {
    linkToNativeUser.mockClear();
    const e = event({ email: 'a@example.com', email_verified: 'true', birthdate: 'not a date' }, 'PreSignUp_ExternalProvider');
    await expect(invoke(e)).resolves.toEqual(e);
    expect(linkToNativeUser).toHaveBeenCalledTimes(1);
    expect(linkToNativeUser.mock.calls[0]).toContain(e);
  });

  it('password sign-ups never try to link', async () => {
    linkToNativeUser.mockClear();
    await invoke(event({ email: 'a@example.com', phone_number: PHONE }));
    expect(linkToNativeUser).not.toHaveBeenCalled();
  });
});
