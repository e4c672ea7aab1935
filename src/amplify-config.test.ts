import { Amplify } from 'aws-amplify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildAmplifyConfig,
  configureAmplify,
  currentBackend,
  describeBackend,
  LOCAL_S3_ENDPOINT,
  resetConfiguredBackendForTests,
} from './amplify-config';
import { fakeOutputs } from './testing/fake-outputs';

describe('amplify-config', () => {
  afterEach(() => resetConfiguredBackendForTests());

  it('is in local mode exactly when custom.local_cloud is present', () => {
    expect(describeBackend(fakeOutputs(true)).mode).toBe('local');
    expect(describeBackend(fakeOutputs(false)).mode).toBe('aws');
    expect(describeBackend(fakeOutputs(false)).groups).toEqual(['ADMINS', 'EDITORS']);
  });

  it('points Cognito and S3 at the local cloud in local mode', () => {
    const config = buildAmplifyConfig(fakeOutputs(true));
    expect(config.Auth?.Cognito.userPoolEndpoint).toBe('http://localhost:20005');
    expect(config.Auth?.Cognito.identityPoolEndpoint).toBe('http://localhost:20005');
    expect(config.Auth?.Cognito.userPoolId).toBe('us-east-1_TestPool1');
    expect(config.Storage?.S3.bucket).toBe('vault-test-bucket');
    expect(config.Storage?.S3.dangerouslyConnectToHttpEndpointForTesting).toBe(LOCAL_S3_ENDPOINT);
  });

  it('leaves the AWS configuration untouched without custom.local_cloud', () => {
    const config = buildAmplifyConfig(fakeOutputs(false));
    expect(config.Auth?.Cognito.userPoolEndpoint).toBeUndefined();
    expect(config.Auth?.Cognito.identityPoolEndpoint).toBeUndefined();
    expect(config.Storage?.S3.dangerouslyConnectToHttpEndpointForTesting).toBeUndefined();
    expect(config.Storage?.S3.bucket).toBe('vault-test-bucket');
  });

  it("gives aws-amplify/api the backend's REST APIs from custom.API, as Amplify documents it", () => {
    for (const local of [true, false]) {
      const outputs = fakeOutputs(local);
      const endpoint = local
        ? 'http://localhost:20005/_aws/execute-api/abcde12345/prod/'
        : 'https://abcde12345.execute-api.us-east-1.amazonaws.com/prod/';
      outputs.custom = { ...outputs.custom, API: { adminApi: { endpoint, region: 'us-east-1', apiName: 'adminApi' } } };
      expect(buildAmplifyConfig(outputs).API?.REST).toEqual({ adminApi: { endpoint, region: 'us-east-1', apiName: 'adminApi' } });
    }
    expect(buildAmplifyConfig(fakeOutputs(true)).API?.REST).toBeUndefined();
  });

  it('refuses an incomplete local_cloud section or an S3 endpoint aws-amplify cannot use', () => {
    const outputs = fakeOutputs(true);
    delete outputs.custom!.local_cloud!.userPoolEndpoint;
    expect(() => describeBackend(outputs)).toThrow(/userPoolEndpoint/);
    const otherPort = fakeOutputs(true);
    otherPort.custom!.local_cloud!.s3Endpoint = 'http://localhost:9999';
    expect(() => describeBackend(otherPort)).toThrow(/localhost:20005/);
    expect(() => describeBackend({ version: '1.4' })).toThrow(/npm run synth/);
  });

  it('configures Amplify once and remembers the backend', () => {
    expect(() => currentBackend()).toThrow();
    const backend = configureAmplify(fakeOutputs(true));
    expect(backend.mode).toBe('local');
    expect(Amplify.getConfig().Auth?.Cognito.userPoolEndpoint).toBe('http://localhost:20005');
    // A second call (e.g. React StrictMode or HMR) does not reconfigure.
    expect(configureAmplify(fakeOutputs(false))).toBe(backend);
    expect(currentBackend().mode).toBe('local');
  });
});
