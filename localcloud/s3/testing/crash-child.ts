/** A local cloud (identity + S3) on a given state folder, for the kill -9 test. Prints its address and credentials. */
import { startTestCloud } from './test-cloud';

const cloud = await startTestCloud({ stateDir: process.argv[2] });
const { identityId, credentials } = await cloud.credentialsFor(await cloud.mintIdToken({ sub: 'crash', username: 'crash' }));
const { accessKeyId, secretAccessKey, sessionToken } = credentials;
process.stdout.write(`${JSON.stringify({ port: cloud.port, bucket: cloud.bucket, credentials: { accessKeyId, secretAccessKey, sessionToken }, prefix: `private/${identityId}/` })}\n`);
