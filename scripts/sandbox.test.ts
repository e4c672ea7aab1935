import { describe, expect, it } from 'vitest';
import { deployFailure, sandboxEnvironment } from './sandbox';

describe('npm run sandbox', () => {
  it("points ampx at the local cloud's operator profile and endpoint, and lets none of the developer's AWS setup through", () => {
    const env = sandboxEnvironment(
      { stateDir: '/p/.localcloud', endpointUrl: 'http://127.0.0.1:20005' },
      { PATH: '/bin', AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SECRET_ACCESS_KEY: 's', AWS_PROFILE: 'work', AWS_ENDPOINT_URL_S3: 'https://s3.amazonaws.com' },
    );
    expect(env).toMatchObject({
      PATH: '/bin',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:20005',
      AWS_PROFILE: 'localcloud',
      AWS_CONFIG_FILE: '/p/.localcloud/aws/config',
      AWS_SHARED_CREDENTIALS_FILE: '/p/.localcloud/aws/credentials',
      AWS_REGION: 'us-east-1',
      AMPLIFY_DISABLE_TELEMETRY: '1',
    });
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.AWS_ENDPOINT_URL_S3).toBeUndefined();
  });

  it('finds the failed deploy ampx reports while exiting 0 (as the real ampx printed it against a local cloud without CloudFormation)', () => {
    const printed = [
      '7:45:56 AM Building and publishing assets...',
      '\u001b[31m7:45:58 AM [ERROR] [UnknownFault] UnsupportedOperationException: The local cloud does not implement CloudFormation DescribeStacks.\u001b[39m',
    ].join('\n');
    expect(deployFailure(printed)).toBe('7:45:58 AM [ERROR] [UnknownFault] UnsupportedOperationException: The local cloud does not implement CloudFormation DescribeStacks.');
    expect(deployFailure('7:45:29 AM ✔ Backend synthesized in 14.6 seconds\n✔ Deployment completed in 20.1 seconds')).toBeUndefined();
  });
});
