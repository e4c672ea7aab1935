/**
 * bench/admin-api: one warm read through the admin REST API — API Gateway's
 * Cognito authorizer verifying the id token, the Lambda proxy integration,
 * the admin-api function (ListUsers plus the page's group memberships:
 * ListGroups and ListUsersInGroup per group), all on the local cloud — beside
 * the same read made directly: ListUsers signed with IAM (SigV4, the
 * function's own role), in the same run, interleaved call by call.
 * Prints p50 / p99 of each, their ratio, and the function's cold start (the
 * first call, which starts its execution environment).
 * The local cloud runs in this process (its function in a child process, as
 * Lambda runs it); the pool holds 60 people, a page is 25.
 *
 *   npx tsx bench/admin-api.ts [--calls 400] */
import { loadavg, availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_API_STAGE, ADMIN_GROUP } from '../amplify/api/contract';
import { localExecuteApiUrl } from '../localcloud/apigateway/url';
import { startRealCloud } from '../localcloud/testing/real-cloud';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '400' } } });
const CALLS = Number(values.calls);
const PAGE = 25;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main() {
  const cloud = await startRealCloud();
  const log = console.log;
  try {
    const direct = new CognitoIdentityProviderClient({
      region: cloud.region,
      endpoint: cloud.endpoint,
      credentials: cloud.functionRoleCredentials('admin-api'),
      maxAttempts: 1,
    });
    const admin = await cloud.signedInUser('bench-admin', [ADMIN_GROUP]);
    // People to list, made by a back-office operator role (AdminCreateUser).
    const op = cloud.operatorIdp(['cognito-idp:AdminCreateUser']);
    for (let i = 0; i < 59; i++) {
      await op.send(
        new AdminCreateUserCommand({
          UserPoolId: cloud.userPoolId,
          Username: `person-${i}@example.com`,
          UserAttributes: [{ Name: 'phone_number', Value: `+1555${String(2_000_000 + i)}` }],
          MessageAction: 'SUPPRESS',
        }),
      );
    }

    const url = `${localExecuteApiUrl(cloud.endpoint, cloud.assembly.ofType('AWS::ApiGateway::RestApi')[0].ref, ADMIN_API_STAGE)}/users?limit=${PAGE}`;
    const viaApi = async () => {
      const res = await fetch(url, { headers: { Authorization: admin.idToken } });
      const body = (await res.json()) as { users: unknown[] };
      if (res.status !== 200 || body.users.length !== PAGE) throw new Error(`API answered ${res.status}`);
    };
    const viaIam = async () => {
      const page = await direct.send(new ListUsersCommand({ UserPoolId: cloud.userPoolId, Limit: PAGE }));
      if (page.Users?.length !== PAGE) throw new Error('ListUsers answered short');
    };
    const timed = async (f: () => Promise<void>) => {
      const start = performance.now();
      await f();
      return performance.now() - start;
    };

    const cold = await timed(viaApi);
    const secondCall = await timed(viaApi);
    for (let i = 0; i < 30; i++) {
      await viaApi();
      await viaIam();
    }
    const load = loadavg()[0];
    const api: number[] = [];
    const iam: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      // Alternate which goes first, so neither always runs right after the other.
      if (i % 2 === 0) {
        api.push(await timed(viaApi));
        iam.push(await timed(viaIam));
      } else {
        iam.push(await timed(viaIam));
        api.push(await timed(viaApi));
      }
    }
    api.sort((a, b) => a - b);
    iam.sort((a, b) => a - b);
    const [a50, a99, i50, i99] = [percentile(api, 50), percentile(api, 99), percentile(iam, 50), percentile(iam, 99)];
    log(`${CALLS} calls each, interleaved; ${availableParallelism()} CPUs, load average ${load.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
    log(`GET /users?limit=${PAGE} through API Gateway + Cognito authorizer + admin-api function: p50 ${ms(a50)}, p99 ${ms(a99)}`);
    log(`ListUsers Limit=${PAGE}, SigV4 + IAM, directly:                                  p50 ${ms(i50)}, p99 ${ms(i99)}`);
    log(`ratio (API / direct): p50 ${(a50 / i50).toFixed(1)}×, p99 ${(a99 / i99).toFixed(1)}×  (the API call also makes 3 more user-pool calls for the page's groups)`);
    log(`cold start: the first call ${ms(cold)} (starts the function's execution environment), the second ${ms(secondCall)}`);
  } finally {
    await cloud.close();
  }
}

await main();
