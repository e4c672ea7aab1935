// Module resolution hooks for a function's process: like Lambda's Node.js
// runtime, provide the AWS SDK for JavaScript v3 (`@aws-sdk/*`) to code that
// does not bundle it (Amplify's SSM shim imports `@aws-sdk/client-ssm`).
// Only `@aws-sdk/*` is provided; every other package must be in the bundle.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

let sdkParentUrl;

export async function initialize(data) {
  sdkParentUrl = pathToFileURL(join(data.sdkBase, 'package.json')).href;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('@aws-sdk/') && sdkParentUrl) {
      return nextResolve(specifier, { ...context, parentURL: sdkParentUrl });
    }
    throw error;
  }
}
