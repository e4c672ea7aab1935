import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExecuteApiUrl } from '../../../localcloud/apigateway/url';
import { startRealCloud, type CloudUser, type RealCloud, type Session } from '../../../localcloud/testing/real-cloud';
import { rendezvous, type Rendezvous } from '../../../localcloud/testing/rendezvous';
import { ADMIN_API_STAGE, ADMIN_GROUP, type AuditRecord, type RouteName } from '../../api/contract';
import { adminAppOn, proxyEvent } from '../../testing/admin-api';

/**
 * The last administrator under simultaneous requests. Both rules (never remove
 * the last member of ADMINS, never disable an administrator) read, then write:
 * two requests can both read before either writes. Each race here is made
 * deterministic by holding the user pool's reads until every request has
 * reached them — in this process (the handler with its directory held), and
 * through API Gateway with the bundled function run by the local Lambda, one
 * execution environment per request (cognito-idp's ListUsersInGroup held).
 * The invariant: whatever answers, ADMINS keeps a member who can sign in; a
 * refused request changed nothing and recorded nothing.
 */
type Person = CloudUser & Session;
type Answer = { status: number; json: any };

let cloud: RealCloud;
let operator: CognitoIdentityProviderClient;
let base: string;
let app: ReturnType<typeof adminAppOn>['app'];
/** Hold the handler's directory reads while set: of a group's members, of a user. */
const held: { members?: Rendezvous; user?: Rendezvous } = {};
/** While set, the handler's additions to a group fail (as a network error would). */
let additionsFail = false;
let ann: Person;
let ben: Person;
let cleo: Person;

beforeAll(async () => {
  cloud = await startRealCloud();
  operator = cloud.operatorIdp();
  base = localExecuteApiUrl(cloud.endpoint, cloud.assembly.ofType('AWS::ApiGateway::RestApi')[0].ref, ADMIN_API_STAGE);
  ({ app } = adminAppOn(cloud, {
    directory: (directory) => ({
      ...directory,
      async members(group) {
        await held.members?.arrive();
        return directory.members(group);
      },
      async user(username) {
        await held.user?.arrive();
        return directory.user(username);
      },
      async addToGroup(username, group) {
        if (additionsFail) throw new Error('socket hang up');
        return directory.addToGroup(username, group);
      },
    }),
  }));
  // Their tokens say ADMINS for the whole file: what the group holds is up to each test.
  ann = await cloud.signedInUser('ann', [ADMIN_GROUP]);
  ben = await cloud.signedInUser('ben', [ADMIN_GROUP]);
  cleo = await cloud.signedInUser('cleo');
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

/** Holds the handler's `reads` at `meeting` until release(). */
function holding(meeting: Rendezvous, ...reads: (keyof typeof held)[]) {
  for (const read of reads) held[read] = meeting;
  return {
    release() {
      meeting.open();
      for (const read of reads) delete held[read];
    },
  };
}

/** Fires `calls` at the same moment, their reads held (`hold`); holds no more once they have answered. */
async function atOnce(hold: { release(): void }, calls: (() => Promise<Answer>)[]): Promise<Answer[]> {
  try {
    return await Promise.all(calls.map((call) => call()));
  } finally {
    hold.release();
  }
}

/** ADMINS exactly `admins`; everyone enabled. */
async function onlyAdmins(...admins: Person[]) {
  const UserPoolId = cloud.userPoolId;
  for (const { username } of await adminsNow()) {
    if (!admins.some((a) => a.sub === username)) await operator.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, GroupName: ADMIN_GROUP, Username: username }));
  }
  for (const who of admins) await operator.send(new AdminAddUserToGroupCommand({ UserPoolId, GroupName: ADMIN_GROUP, Username: who.sub }));
  for (const who of [ann, ben, cleo]) await operator.send(new AdminEnableUserCommand({ UserPoolId, Username: who.sub }));
}

/** The members of ADMINS as the user pool has them now (not through the API under test). */
async function adminsNow(): Promise<{ username: string; enabled: boolean }[]> {
  const { Users = [] } = await operator.send(new ListUsersInGroupCommand({ UserPoolId: cloud.userPoolId, GroupName: ADMIN_GROUP }));
  return Users.map((u) => ({ username: u.Username!, enabled: u.Enabled! })).sort((a, b) => a.username.localeCompare(b.username));
}

const sorted = (...people: Person[]) => people.map((p) => p.sub).sort();

/** The handler in this process, with a proxy event as API Gateway's authorizer hands it over. */
async function viaHandler(who: Person, name: RouteName, params: Record<string, string>): Promise<Answer> {
  const result = await app(proxyEvent(who.idToken, name, { params }));
  return { status: result.statusCode, json: JSON.parse(result.body) };
}

/** The deployed route through API Gateway, its Cognito authorizer and the local Lambda. */
async function viaApi(who: Person, name: RouteName, params: Record<string, string>): Promise<Answer> {
  const paths: Partial<Record<RouteName, [string, string]>> = {
    removeFromGroup: ['DELETE', `/users/${params.username}/groups/${params.group}`],
    disableUser: ['POST', `/users/${params.username}/disable`],
  };
  const [method, path] = paths[name]!;
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: who.idToken } });
  return { status: res.status, json: await res.json() };
}

/** The audit log's newest records (the function's own reading of it). */
async function newestRecords(): Promise<AuditRecord[]> {
  const page = await viaHandler(ann, 'readAuditLog', {});
  expect(page.status).toBe(200);
  return page.json.records;
}

/** The records added since `before` (an earlier newestRecords()), newest first. */
async function recordsSince(before: AuditRecord[]): Promise<AuditRecord[]> {
  const now = await newestRecords();
  const known = new Set(before.map((r) => r.id));
  return now.filter((r) => !known.has(r.id));
}

/** Every answer is a removal made or the API's usual LastAdmin refusal: 409, `{ code, message }` and nothing else. */
function expectMadeOrLastAdmin(answers: Answer[]) {
  for (const answer of answers) {
    if (answer.status === 200) expect(answer.json).toMatchObject({ changed: true });
    else expect([answer.status, Object.keys(answer.json).sort(), answer.json.code]).toEqual([409, ['code', 'message'], 'LastAdmin']);
  }
}

const removal = (target: Person) => ({ username: target.sub, group: ADMIN_GROUP });

/** Each caller removes their target from ADMINS, through `via`. */
const removals = (pairs: [Person, Person][], via: typeof viaHandler) => pairs.map(([caller, target]) => () => via(caller, 'removeFromGroup', removal(target)));

/** After a race of two removals: ADMINS kept someone who can sign in; exactly the removals answered 200 stand and are recorded. */
async function expectAdminKept(answers: Answer[], recordsBefore: AuditRecord[]) {
  expectMadeOrLastAdmin(answers);
  const admins = await adminsNow();
  expect(admins.filter((a) => a.enabled).length).toBeGreaterThanOrEqual(1);
  const made = answers.filter((a) => a.status === 200).length;
  expect(admins).toHaveLength(2 - made);
  const records = await recordsSince(recordsBefore);
  expect(records.map((r) => [r.action, r.after])).toEqual(Array.from({ length: made }, () => ['removeFromGroup', { groups: [] }]));
}

/** Who removes whom: [caller, target] pairs fired at the same moment. */
const races: [string, () => [Person, Person][]][] = [
  ['each removes the other', () => [[ann, ben], [ben, ann]]],
  ['each removes themselves', () => [[ann, ann], [ben, ben]]],
];

describe('two administrators removed at the same moment, in the handler (its directory reads held)', () => {
  it.each(races)('%s: both checks pass together, and ADMINS still keeps a member', async (_, pairs) => {
    await onlyAdmins(ann, ben);
    const recordsBefore = await newestRecords();
    // The two checks' reads of ADMINS meet: both pass.
    const answers = await atOnce(holding(rendezvous(2), 'members'), removals(pairs(), viaHandler));
    await expectAdminKept(answers, recordsBefore);
  });

  it.each(races)('%s, and both re-check together too: both removals are undone, refused as LastAdmin, unrecorded', async (_, pairs) => {
    await onlyAdmins(ann, ben);
    const recordsBefore = await newestRecords();
    // The checks' reads of ADMINS meet, then the re-reads after both removals.
    const answers = await atOnce(holding(rendezvous(2, 2), 'members'), removals(pairs(), viaHandler));
    expectMadeOrLastAdmin(answers);
    expect(answers.map((a) => a.status)).toEqual([409, 409]);
    const [first, second] = pairs().map(([, target]) => target);
    expect(answers[0].json.message).toBe(`${first.email} was not removed: changes made at the same moment left nobody else in ADMINS who can sign in. ${first.email} is still an administrator.`);
    expect(answers[1].json.message).toContain(`${second.email} is still an administrator.`);
    expect((await adminsNow()).map((a) => a.username)).toEqual(sorted(ann, ben));
    expect(await recordsSince(recordsBefore)).toEqual([]);
  });

  it('records removals it could not undo, and says so (500 UndoFailed)', async () => {
    await onlyAdmins(ann, ben);
    const recordsBefore = await newestRecords();
    additionsFail = true;
    let answers: Answer[];
    try {
      answers = await atOnce(holding(rendezvous(2, 2), 'members'), removals([[ann, ben], [ben, ann]], viaHandler));
    } finally {
      additionsFail = false;
    }
    for (const answer of answers) {
      expect([answer.status, answer.json.code]).toEqual([500, 'UndoFailed']);
      expect(answer.json.message).toMatch(/^The change was made, then had to be undone \(.+ was not removed: .+\), and undoing it failed: it stands, and is in the audit log\./);
    }
    expect(await adminsNow()).toEqual([]);
    expect((await recordsSince(recordsBefore)).map((r) => [r.action, r.target.username, r.after]).sort()).toEqual(
      [
        ['removeFromGroup', ann.sub, { groups: [] }],
        ['removeFromGroup', ben.sub, { groups: [] }],
      ].sort(),
    );
  });
});

describe('disabled people in ADMINS, and a disable racing an addition to ADMINS', () => {
  it('does not count a disabled member of ADMINS: the last one who can sign in stays', async () => {
    await onlyAdmins(ann, cleo);
    await operator.send(new AdminDisableUserCommand({ UserPoolId: cloud.userPoolId, Username: cleo.sub }));
    const answer = await viaHandler(ann, 'removeFromGroup', removal(ann));
    expect([answer.status, answer.json]).toEqual([
      409,
      { code: 'LastAdmin', message: `${ann.email} is the last member of ADMINS who can sign in (the others are disabled): make someone else an administrator first.` },
    ]);
    expect(await adminsNow()).toHaveLength(2);
  });

  it('undoes a disable when its person was made an administrator meanwhile, so no disabled administrator is counted', async () => {
    await onlyAdmins(ann);
    // Both read cleo (not an administrator) together; then the addition's read after its change
    // meets the disable's re-check after its change: both changes are made by then.
    const [added, disabled] = await atOnce(holding(rendezvous(2, 2), 'user', 'members'), [
      () => viaHandler(ann, 'addToGroup', { username: cleo.sub, group: ADMIN_GROUP }),
      () => viaHandler(ann, 'disableUser', { username: cleo.sub }),
    ]);
    expect(added).toMatchObject({ status: 200, json: { changed: true } });
    expect([disabled.status, disabled.json]).toEqual([
      409,
      { code: 'AdminCannotBeDisabled', message: `${cleo.email} is an administrator: remove them from ADMINS before disabling them.` },
    ]);
    expect(await adminsNow()).toEqual([
      { username: ann.sub, enabled: true },
      { username: cleo.sub, enabled: true },
    ].sort((a, b) => a.username.localeCompare(b.username)));
    // And ann may go now: cleo can sign in.
    expect((await viaHandler(ann, 'removeFromGroup', removal(ann))).status).toBe(200);
    expect(await adminsNow()).toEqual([{ username: cleo.sub, enabled: true }]);
  });
});

describe('two administrators removed at the same moment through API Gateway (one Lambda environment each)', () => {
  it.each(races)('%s: ADMINS keeps a member; a refusal is the LastAdmin 409', async (_, pairs) => {
    await onlyAdmins(ann, ben);
    const recordsBefore = await newestRecords();
    // Both functions' checks read ADMINS before either removes.
    const answers = await atOnce(cloud.holdTogether('ListUsersInGroup', 2), removals(pairs(), viaApi));
    await expectAdminKept(answers, recordsBefore);
  });

  it('both re-checking after both removals: both undone and refused, ADMINS as it was', async () => {
    await onlyAdmins(ann, ben);
    const recordsBefore = await newestRecords();
    const answers = await atOnce(cloud.holdTogether('ListUsersInGroup', 2, 2), removals([[ann, ben], [ben, ann]], viaApi));
    expect(answers.map((a) => [a.status, a.json.code])).toEqual([
      [409, 'LastAdmin'],
      [409, 'LastAdmin'],
    ]);
    expect((await adminsNow()).map((a) => a.username)).toEqual(sorted(ann, ben));
    expect(await recordsSince(recordsBefore)).toEqual([]);
  });
});
