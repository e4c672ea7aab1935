import type { Context, CustomMessageTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from './handler';

function event(triggerSource: CustomMessageTriggerEvent['triggerSource']): CustomMessageTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_x',
    userName: 'sub-1',
    callerContext: { awsSdkVersion: '1', clientId: 'c' },
    triggerSource,
    request: { userAttributes: { email: 'a@example.com' }, codeParameter: '{####}', usernameParameter: null, linkParameter: '' },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  } as unknown as CustomMessageTriggerEvent;
}

const run = (e: CustomMessageTriggerEvent) => handler(e, {} as Context, () => {}) as Promise<CustomMessageTriggerEvent>;

describe('custom message trigger', () => {
  it('words the reset-password code apart from the sign-up code, keeping the code placeholder', async () => {
    const out = await run(event('CustomMessage_ForgotPassword'));
    expect(out.response.emailSubject).toBe('Reset your Amplify Vault password');
    expect(out.response.emailMessage).toContain('reset the password');
    expect(out.response.emailMessage).toContain('{####}');
    expect(out.response.smsMessage).toContain('{####}');
  });

  it('leaves the sign-up message to the pool template', async () => {
    const out = await run(event('CustomMessage_SignUp'));
    expect(out.response).toEqual({ smsMessage: null, emailMessage: null, emailSubject: null });
  });
});
