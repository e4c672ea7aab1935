import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { notEmulatedMessage } from '../http/dispatch';
import { AwsJsonError, BodyTooLargeError, jsonObject, readBody, requestPath, sendAwsJsonError, sendJson } from '../http/http';
import type { ObjectStore } from '../s3/object-store';
import { type AwsJsonAuth, AwsJsonAuthError, type SignedCaller } from '../ssm/aws-json-auth';
import type { CodeUpdates } from './code-updates';
import type { LambdaFunction } from './functions';
import type { FunctionRuntime } from './runtime';
import { unzipInto, ZipError } from '../cloudformation/unzip';

/**
 * Lambda's control-plane API (REST-JSON under `/2015-03-31/functions/`), as
 * far as the CDK toolkit's hotswap and `ampx sandbox --stream-function-logs`
 * use it: GetFunction, GetFunctionConfiguration, UpdateFunctionCode (ZipFile
 * or S3Bucket/S3Key of the local S3; the next invocation runs the new code).
 * SigV4 for `lambda`, then IAM (lambda:<Operation> on the function's ARN).
 * Updates apply at once: State Active, LastUpdateStatus Successful; they are
 * kept in the state folder (`CodeUpdates`), so a restart runs the new code too.
 */
const PREFIX = '/2015-03-31/functions/';
/** Lambda's limit for a ZipFile in the request (50 MB zipped, base64 inflates it). */
const BODY_LIMIT = 70 * 1024 * 1024;

export class LambdaApiError extends AwsJsonError {}

const notFound = (arn: string) => new LambdaApiError('ResourceNotFoundException', `Function not found: ${arn}`, 404);

export function createLambdaApi(options: {
  runtime: FunctionRuntime;
  auth: AwsJsonAuth;
  objects: ObjectStore;
  region: string;
  accountId: string;
  codeUpdates: CodeUpdates;
  now: () => Date;
}) {
  const codeRoot = options.codeUpdates.root;
  const started = options.now();
  const functionArn = (name: string) => (name.startsWith('arn:') ? name.replace(/:(\$LATEST|\d+)$/, '') : `arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`);

  function revision(fn: LambdaFunction): { sha256: string; size: number; lastModified: Date } {
    const update = options.codeUpdates.of(fn);
    if (update) return { ...update, lastModified: new Date(update.lastModified) };
    // The template's code: a stable digest of where it comes from (the asset's content hash).
    return { sha256: createHash('sha256').update(fn.codeSource).digest('base64'), size: 0, lastModified: started };
  }

  function configuration(fn: LambdaFunction) {
    const r = revision(fn);
    return {
      FunctionName: fn.name,
      FunctionArn: fn.arn,
      Runtime: fn.runtime,
      Role: fn.roleArn,
      Handler: fn.handler,
      CodeSize: r.size,
      Description: '',
      Timeout: fn.timeoutSeconds,
      MemorySize: fn.memoryMb,
      LastModified: r.lastModified.toISOString().replace('Z', '+0000'),
      CodeSha256: r.sha256,
      Version: '$LATEST',
      Environment: { Variables: fn.environment },
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: createHash('sha256').update(`${fn.name}${r.sha256}${r.lastModified.getTime()}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
  }

  function find(rawName: string): LambdaFunction {
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      // Not percent-encoding at all: no function has such a name (Lambda refuses it as a bad FunctionName).
      throw new LambdaApiError('ValidationException', `1 validation error detected: Value '${rawName.slice(0, 200)}' at 'functionName' failed to satisfy constraint: Member must be valid percent-encoding`);
    }
    const fn = options.runtime.find(name);
    if (!fn) throw notFound(functionArn(name));
    return fn;
  }

  function updateCode(fn: LambdaFunction, input: Record<string, unknown>, canRead: (bucket: string, key: string) => boolean) {
    let zip: Buffer;
    if (typeof input.ZipFile === 'string') {
      zip = Buffer.from(input.ZipFile, 'base64');
    } else if (typeof input.S3Bucket === 'string' && typeof input.S3Key === 'string') {
      // Lambda reads the object with the caller's permissions: lambda:UpdateFunctionCode alone reads no one's files.
      if (!canRead(input.S3Bucket, input.S3Key)) {
        throw new LambdaApiError('AccessDeniedException', `Your access has been denied by S3, please make sure your request credentials have permission to GetObject for ${input.S3Bucket}/${input.S3Key}. S3 Error Code: AccessDenied. S3 Error Message: Access Denied`, 403);
      }
      const object = options.objects.get(input.S3Bucket, input.S3Key);
      if (!object) {
        throw new LambdaApiError('InvalidParameterValueException', `Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.`);
      }
      zip = options.objects.readAll(object);
    } else if (input.ImageUri !== undefined) {
      throw new LambdaApiError('InvalidParameterValueException', 'Please provide a source for function code: container images are not run by the local cloud.');
    } else {
      throw new LambdaApiError('InvalidParameterValueException', 'Please do not provide other FunctionCode properties when providing a ZipFile, or provide S3Bucket and S3Key.');
    }
    const sha256 = createHash('sha256').update(zip).digest('base64');
    const dir = join(codeRoot, createHash('sha256').update(zip).digest('hex').slice(0, 32));
    if (!existsSync(dir)) {
      mkdirSync(codeRoot, { recursive: true });
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      try {
        unzipInto(zip, tmp);
      } catch (error) {
        rmSync(tmp, { recursive: true, force: true });
        if (error instanceof ZipError) throw new LambdaApiError('InvalidParameterValueException', error.message);
        throw error;
      }
      // The folder appears complete or not at all (content-addressed: the same zip, the same folder).
      try {
        renameSync(tmp, dir);
      } catch (error) {
        rmSync(tmp, { recursive: true, force: true });
        if (!existsSync(dir)) throw error;
      }
    }
    if (input.DryRun !== true) {
      options.runtime.update(options.codeUpdates.record(fn, { codeDirectory: dir, sha256, size: zip.length, lastModified: options.now().toISOString() }));
    }
    return options.runtime.find(fn.name)!;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req, BODY_LIMIT).catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) throw new LambdaApiError('RequestTooLargeException', 'Request must be smaller than 70167211 bytes for the UpdateFunctionCode operation', 413);
        throw error;
      });
      const caller: SignedCaller = options.auth.authenticate(req, body, 'lambda');
      const rest = requestPath(req).slice(PREFIX.length).split('/');
      const [name, sub] = rest;
      const route = `${req.method} ${sub ?? ''}${rest.length > 2 ? '/...' : ''}`;
      const allow = (action: string, fn: LambdaFunction) => options.auth.authorize(caller, `lambda:${action}`, fn.arn, req.socket.remoteAddress);
      switch (route) {
        case 'GET ': {
          const fn = find(name);
          allow('GetFunction', fn);
          return sendJson(res, 200, {
            Configuration: configuration(fn),
            Code: { RepositoryType: 'S3', Location: `${PREFIX}${fn.name} (the local cloud keeps the code in a folder)` },
            Tags: {},
          });
        }
        case 'GET configuration': {
          const fn = find(name);
          allow('GetFunctionConfiguration', fn);
          return sendJson(res, 200, configuration(fn));
        }
        case 'PUT code': {
          const fn = find(name);
          allow('UpdateFunctionCode', fn);
          const input = jsonObject(body);
          if (!input) throw new LambdaApiError('InvalidRequestContentException', 'Could not parse request body into json');
          const canRead = (bucket: string, key: string) => {
            try {
              options.auth.authorize(caller, 's3:GetObject', `arn:aws:s3:::${bucket}/${key}`, req.socket.remoteAddress);
              return true;
            } catch (error) {
              if (error instanceof AwsJsonAuthError) return false;
              throw error;
            }
          };
          return sendJson(res, 200, configuration(updateCode(fn, input, canRead)));
        }
        default:
          throw new LambdaApiError('UnsupportedOperationException', notEmulatedMessage(`the Lambda operation ${req.method} ${PREFIX}{name}/${rest.slice(1).join('/')}`), 501);
      }
    } catch (error) {
      if (error instanceof AwsJsonError) return sendAwsJsonError(res, error.status, error.code, error.message);
      console.error('[lambda] internal error', error);
      sendAwsJsonError(res, 500, 'ServiceException', 'The local cloud failed to process the request; see its console.');
    }
  }

  return { name: 'lambda', matches: (req: IncomingMessage) => requestPath(req).startsWith(PREFIX), handle };
}
