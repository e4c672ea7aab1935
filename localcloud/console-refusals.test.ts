import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from './services/activity';
import { startRealCloud, type RealCloud } from './testing/real-cloud';

/**
 * The console's `refused` line carries the service's own message for every
 * AWS JSON service, not only the user pool's: an identity pool refusing a
 * revoked token must say so on the console, not print an empty reason.
 */
let t: RealCloud;
beforeAll(async () => {
  t = await startRealCloud();
});
afterAll(() => t?.close());

async function refusalsOf(target: string, body: object): Promise<{ answer: { __type: string; message: string }; seen: Activity[] }> {
  const seen: Activity[] = [];
  const stop = t.cloud.activity.on((a) => seen.push(a));
  try {
    const res = await fetch(t.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      body: JSON.stringify(body),
    });
    return { answer: (await res.json()) as { __type: string; message: string }, seen };
  } finally {
    stop();
  }
}

describe('the console line of a refused request', () => {
  it('names the identity pool refusal and its message', async () => {
    const { answer, seen } = await refusalsOf('AWSCognitoIdentityService.GetId', { IdentityPoolId: t.identityPoolId, Logins: { [t.providerName]: 'not-a-token' } });
    expect(answer.__type).toBe('NotAuthorizedException');
    expect(answer.message).not.toBe('');
    expect(seen).toContainEqual({ kind: 'refused', operation: 'GetId', status: 400, errorType: 'NotAuthorizedException', message: answer.message });
  });

  it('names the SSM refusal and its message', async () => {
    const { answer, seen } = await refusalsOf('AmazonSSM.GetParameter', { Name: '/nothing' });
    expect(answer.message).not.toBe('');
    expect(seen).toContainEqual(expect.objectContaining({ kind: 'refused', operation: 'GetParameter', errorType: answer.__type, message: answer.message }));
  });
});
