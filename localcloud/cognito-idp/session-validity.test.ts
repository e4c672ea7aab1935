import { InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, expect, test } from 'vitest';
import { ManualClock } from '../services/clock';
import { newUuid } from '../services/ids';
import { PASSWORD, passwordVerifierAnswer, startTestCloud, type TestCloud } from './testing';
import { newUser } from './users';

/** The app client's AuthSessionValidity governs every challenge: SRP's PASSWORD_VERIFIER and the Sessions of the next ones. */
let t: TestCloud | undefined;
afterEach(() => t?.stop());
const EXPIRED = { name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' };

/** A user as AdminCreateUser leaves one: confirmed, with a temporary password to change (NEW_PASSWORD_REQUIRED). */
function invitedUser(cloud: TestCloud, clock: ManualClock, email: string): void {
  const pool = cloud.cloud.cognitoIdp.pools.byId(cloud.poolId)!;
  cloud.cloud.cognitoIdp.users.insert(
    pool,
    newUser(pool, { username: newUuid(), sub: newUuid(), status: 'FORCE_CHANGE_PASSWORD', attributes: { email, email_verified: 'true' }, password: PASSWORD }, clock.now().getTime()),
  );
}

for (const [minutes, webClient] of [
  [3, {}],
  [10, { AuthSessionValidity: 10 }],
] as const) {
  test(`AuthSessionValidity ${minutes} min (${minutes === 3 ? 'the default' : 'from the template'}): a PASSWORD_VERIFIER answered in time works, one answered late is an expired session`, async () => {
    const clock = new ManualClock();
    t = await startTestCloud({ clock, webClient });
    const email = 'late@example.com';
    invitedUser(t, clock, email);
    const onTime = await passwordVerifierAnswer(t, email, PASSWORD, clock.now());
    const late = await passwordVerifierAnswer(t, email, PASSWORD, clock.now());
    // Both proofs are computed now (their TIMESTAMP is now, within the 15 min skew allowed later) and sent later.
    clock.advance(minutes * 60 * 1000 - 1000);
    expect((await t.sdk.send(new RespondToAuthChallengeCommand(onTime))).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    clock.advance(2000);
    await expect(t.sdk.send(new RespondToAuthChallengeCommand(late))).rejects.toMatchObject(EXPIRED);
  });

  test(`AuthSessionValidity ${minutes} min: the Session of the next challenge (NEW_PASSWORD_REQUIRED) lasts as long`, async () => {
    const clock = new ManualClock();
    t = await startTestCloud({ clock, webClient });
    const start = async (email: string) => {
      invitedUser(t!, clock, email);
      return t!.sdk.send(new InitiateAuthCommand({ ClientId: t!.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
    };
    const answer = (email: string, session: string | undefined) =>
      t!.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: t!.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: 'Another-pass-7' },
        }),
      );
    const inTime = await start('intime@example.com');
    const tooLate = await start('toolate@example.com');
    expect(inTime.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    clock.advance(minutes * 60 * 1000 - 1000);
    expect((await answer('intime@example.com', inTime.Session)).AuthenticationResult?.AccessToken).toBeTruthy();
    clock.advance(2000);
    await expect(answer('toolate@example.com', tooLate.Session)).rejects.toMatchObject(EXPIRED);
  });
}

test('an AuthSessionValidity CloudFormation would refuse stops the local cloud at startup, naming it', async () => {
  await expect(startTestCloud({ webClient: { AuthSessionValidity: 30 } })).rejects.toThrow(/WebClient: AuthSessionValidity must be a whole number of minutes from 3 to 15 \(got 30\)/);
});
