import { Duration, Stack } from 'aws-cdk-lib';
import {
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  LambdaIntegration,
  type IResource,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { defineBackend } from '@aws-amplify/backend';
import type { auth } from '../auth/resource';
import type { storage } from '../storage/resource';
import type { adminApi } from '../functions/admin-api/resource';
import { appOrigins } from '../app-urls';
import { ADMIN_API_NAME, ADMIN_API_STAGE, ROUTES } from './contract';

export type VaultBackend = ReturnType<
  typeof defineBackend<{ auth: typeof auth; storage: typeof storage; adminApi: typeof adminApi }>
>;

/**
 * Exactly the user-pool actions the admin API's routes call, on this pool only:
 * list/search (ListUsers), groups of the listed users and the ADMINS count
 * (ListGroups, ListUsersInGroup), before/after of a change (AdminGetUser,
 * AdminListGroupsForUser), and one action per change route.
 */
export const ADMIN_API_ACTIONS = [
  'cognito-idp:ListUsers',
  'cognito-idp:ListGroups',
  'cognito-idp:ListUsersInGroup',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminResetUserPassword',
  'cognito-idp:AdminUserGlobalSignOut',
  // A person's own birthdate (PUT /me/birthdate): set, or removed.
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminDeleteUserAttributes',
];

/**
 * The admin REST API as Amplify Gen 2 documents it ("Set up Amplify REST
 * API"): a stack of its own, API Gateway with a Cognito user pools authorizer
 * on every method (the id token in `Authorization`), one Lambda proxy
 * integration, CORS for the app's origins, and the endpoint in
 * amplify_outputs.json (`custom.API.adminApi`) for `aws-amplify/api`.
 */
export function addAdminRestApi(backend: VaultBackend): RestApi {
  const { userPool } = backend.auth.resources;
  const fn = backend.adminApi.resources.lambda;
  const stack = backend.createStack('admin-api');
  const origins = appOrigins();

  backend.adminApi.addEnvironment('USER_POOL_ID', userPool.userPoolId);
  // PUT /me/owner-name asks the identity pool (GetId, which needs no IAM permission) whose token it holds.
  backend.adminApi.addEnvironment('IDENTITY_POOL_ID', backend.auth.resources.cfnResources.cfnIdentityPool.ref);
  backend.adminApi.addEnvironment('ALLOWED_ORIGINS', origins.join(','));
  new Policy(Stack.of(fn), 'AdminApiUserPoolAccess', {
    statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ADMIN_API_ACTIONS, resources: [userPool.userPoolArn] })],
  }).attachToRole(fn.role!);

  const api = new RestApi(stack, 'AdminRestApi', {
    restApiName: ADMIN_API_NAME,
    description: 'Amplify Vault administration: users, groups, audit log; a person’s own birthdate and owner name.',
    deploy: true,
    // API Gateway's CloudWatch role is one per account and region (AWS::ApiGateway::Account): a
    // per-branch stack must not own it, and deleting the stack would take it from every other API.
    cloudWatchRole: false,
    deployOptions: { stageName: ADMIN_API_STAGE },
    defaultCorsPreflightOptions: {
      allowOrigins: origins,
      allowMethods: ['GET', 'PUT', 'POST', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: Duration.minutes(10),
    },
  });
  const authorizer = new CognitoUserPoolsAuthorizer(stack, 'AdminApiAuthorizer', { cognitoUserPools: [userPool] });
  const integration = new LambdaIntegration(fn);

  const resources = new Map<string, IResource>([['', api.root]]);
  const resourceFor = (path: string): IResource => {
    const known = resources.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const resource = resourceFor(path.slice(0, cut)).addResource(path.slice(cut + 1));
    resources.set(path, resource);
    return resource;
  };
  for (const route of ROUTES) {
    resourceFor(route.resource).addMethod(route.method, integration, {
      authorizationType: AuthorizationType.COGNITO,
      authorizer,
    });
  }

  // API Gateway's own refusals (401 from the authorizer, unknown routes) carry
  // CORS headers too, so the app can read them instead of a network error.
  // Gateway responses cannot pick one of several origins: they echo the
  // caller's, which is harmless for these bodies (no credentials, no data).
  for (const [id, type] of [
    ['Default4xx', ResponseType.DEFAULT_4XX],
    ['Default5xx', ResponseType.DEFAULT_5XX],
  ] as const) {
    api.addGatewayResponse(id, {
      type,
      responseHeaders: {
        'Access-Control-Allow-Origin': 'method.request.header.origin',
        Vary: "'Origin'",
      },
    });
  }

  backend.addOutput({
    custom: {
      API: {
        [ADMIN_API_NAME]: { endpoint: api.url, region: Stack.of(api).region, apiName: ADMIN_API_NAME },
      },
    },
  });
  return api;
}
