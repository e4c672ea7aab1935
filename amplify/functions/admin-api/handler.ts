import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyHandler } from 'aws-lambda';
import { env } from '$amplify/env/admin-api';
import { createApp } from './app';
import { s3AuditLog } from './audit-log';
import { cognitoDirectory } from './directory';
import { s3OwnerNames } from './owner-names';

// Outside AWS (a local emulator sets AWS_ENDPOINT_URL) `<bucket>.localhost`
// does not resolve: address the bucket in the path there. On Lambda the
// variable is unset and S3 is addressed as AWS recommends.
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });

const app = createApp({
  directory: cognitoDirectory(new CognitoIdentityProviderClient(), env.USER_POOL_ID),
  audit: s3AuditLog(s3, env.VAULT_FILES_BUCKET_NAME),
  owners: s3OwnerNames(new CognitoIdentityClient(), env.IDENTITY_POOL_ID, s3, env.VAULT_FILES_BUCKET_NAME),
  now: () => new Date(),
  allowedOrigins: env.ALLOWED_ORIGINS.split(','),
});

/** The admin REST API (amplify/api/admin-rest-api.ts): routes and rules in ./app.ts. */
export const handler: APIGatewayProxyHandler = (event) => app(event);
