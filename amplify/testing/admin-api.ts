import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { RealCloud } from '../../localcloud/testing/real-cloud';
import { ROUTES, type RouteName } from '../api/contract';
import { createApp } from '../functions/admin-api/app';
import { s3AuditLog } from '../functions/admin-api/audit-log';
import { cognitoDirectory, type Directory } from '../functions/admin-api/directory';
import { s3OwnerNames } from '../functions/admin-api/owner-names';

/**
 * The admin API's handler in this process against a real local cloud, built as
 * handler.ts builds it: its Cognito and S3 with the function's own role
 * credentials (so IAM checks exactly the grants the template gives it).
 * `directory` may wrap the user pool's (a test that controls when its calls answer).
 */
export function adminAppOn(cloud: RealCloud, options: { directory?: (directory: Directory) => Directory } = {}) {
  const credentials = cloud.functionRoleCredentials('admin-api');
  const idp = new CognitoIdentityProviderClient({ region: cloud.region, endpoint: cloud.endpoint, credentials, maxAttempts: 1 });
  const functionS3 = new S3Client({ region: cloud.region, endpoint: cloud.endpoint, forcePathStyle: true, credentials, maxAttempts: 1 });
  const directory = cognitoDirectory(idp, cloud.userPoolId);
  const app = createApp({
    directory: options.directory ? options.directory(directory) : directory,
    audit: s3AuditLog(functionS3, cloud.bucket),
    // GetId is unsigned (the SDK sends it without credentials), as on Lambda.
    owners: s3OwnerNames(new CognitoIdentityClient({ region: cloud.region, endpoint: cloud.endpoint, maxAttempts: 1 }), cloud.identityPoolId, functionS3, cloud.bucket),
    now: () => new Date(),
    allowedOrigins: ['http://localhost:5173', 'https://vault.example.com'],
    log: { error: () => undefined },
  });
  return { app, functionS3 };
}

/** The claims of an id token as API Gateway's Cognito authorizer passes them: strings, `cognito:groups` comma-joined. */
export function claimsOf(idToken: string): Record<string, string> {
  return Object.fromEntries(Object.entries(decodeJwt(idToken)).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
}

export interface ProxyEventOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  origin?: string;
  /** The `Authorization` header, when not the caller's id token. */
  authorization?: string;
}

/** The Lambda proxy event API Gateway hands the admin API for a call of route `name` by the holder of `idToken`. */
export function proxyEvent(idToken: string, name: RouteName, options: ProxyEventOptions = {}): APIGatewayProxyEvent {
  const route = ROUTES.find((r) => r.name === name)!;
  return {
    resource: route.resource,
    path: route.resource.replace(/\{(\w+)\}/g, (_, p: string) => options.params?.[p] ?? ''),
    httpMethod: route.method,
    headers: { Authorization: options.authorization ?? idToken, ...(options.origin ? { origin: options.origin } : {}) },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.params ?? null,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: { authorizer: { claims: claimsOf(idToken) } },
  } as unknown as APIGatewayProxyEvent;
}
