import { connect } from 'node:net';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { Amplify } from 'aws-amplify';
import { cognitoCredentialsProvider } from 'aws-amplify/auth/cognito';
import { decodeJWT } from '@aws-amplify/core';
import type { RealCloud, Session } from '../../testing/real-cloud';

/**
 * Unmodified aws-amplify (storage with the patch-package fix) in Node against the
 * real local cloud, with the tokens of a real sign-in: credentials from the identity pool endpoint, S3 through
 * `dangerouslyConnectToHttpEndpointForTesting` — hard-wired to
 * http://localhost:20005. So tests never collide with a running `npm start`,
 * connections to localhost:20005 are routed to the test's own port (undici
 * dispatcher; the Host header and signatures are untouched). Node 20 has no
 * FileReader, which aws-amplify's browser build uses to read upload parts: a
 * minimal one stands in.
 */
class NodeFileReader {
  result: ArrayBuffer | null = null;
  error: unknown = null;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  readAsArrayBuffer(blob: Blob) {
    blob.arrayBuffer().then(
      (buffer) => {
        this.result = buffer;
        this.onload?.();
      },
      (e) => {
        this.error = e;
        this.onerror?.();
      },
    );
  }
}

/** What aws-amplify is configured with: a started cloud, or a backend `ampx` deployed into one (its outputs). */
export type AmplifyTarget = Pick<RealCloud, 'port' | 'userPoolId' | 'clientId' | 'identityPoolId' | 'endpoint' | 'bucket'> & { assembly: { region: string } };

export function useAmplifyAgainst(cloud: AmplifyTarget) {
  (globalThis as { FileReader?: unknown }).FileReader ??= NodeFileReader;
  const previous: Dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(
    new Agent({
      connect: (options, callback) => {
        const local = options.hostname === 'localhost' && String(options.port) === '20005';
        const socket = connect({ host: local ? '127.0.0.1' : options.hostname, port: local ? cloud.port : Number(options.port || 80) });
        socket.once('connect', () => callback(null, socket));
        socket.once('error', (e) => callback(e, null));
      },
    }),
  );
  let session: Session | undefined;
  Amplify.configure(
    {
      Auth: {
        Cognito: {
          userPoolId: cloud.userPoolId,
          userPoolClientId: cloud.clientId,
          identityPoolId: cloud.identityPoolId,
          allowGuestAccess: true,
          identityPoolEndpoint: cloud.endpoint,
        },
      },
      Storage: { S3: { bucket: cloud.bucket, region: cloud.assembly.region, dangerouslyConnectToHttpEndpointForTesting: 'http://localhost:20005' } },
    },
    {
      Auth: {
        credentialsProvider: cognitoCredentialsProvider,
        tokenProvider: { getTokens: async () => (session ? { idToken: decodeJWT(session.idToken), accessToken: decodeJWT(session.accessToken) } : null) },
      },
    },
  );
  return {
    /** Switches to a signed-in user's tokens (undefined: a guest), as signIn/signOut would. */
    async signIn(tokens: Session | undefined) {
      await cognitoCredentialsProvider.clearCredentialsAndIdentityId();
      session = tokens;
    },
    restore() {
      setGlobalDispatcher(previous);
    },
  };
}
