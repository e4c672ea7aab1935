// The Node.js Lambda runtime, as the local cloud runs it: one child process per
// execution environment. Plain JavaScript on purpose: the child runs under a
// bare `node`, with Lambda's environment and nothing of the local cloud's.
//
// Protocol (IPC, JSON): parent → {type:'invoke', requestId, event, deadlineMs, invokedFunctionArn}
//                       child  → {type:'ready'} | {type:'init-error', error}
//                              | {type:'result', requestId, payload} | {type:'error', requestId, error}
// argv[2]: the folder whose node_modules provide the AWS SDK, as Lambda's runtime does.
import { createRequire, register } from 'node:module';
import Module from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const sdkBase = process.argv[2];
register('./sdk-provider-hooks.mjs', import.meta.url, { data: { sdkBase } });
// CommonJS bundles (`require('@aws-sdk/...')`) get the same provided SDK.
const provided = createRequire(join(sdkBase, 'package.json'));
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
  try {
    return originalResolve.call(this, request, parent, ...rest);
  } catch (error) {
    if (typeof request === 'string' && request.startsWith('@aws-sdk/')) return provided.resolve(request);
    throw error;
  }
};

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handlerSetting = process.env._HANDLER ?? 'index.handler';

// In Lambda, /var/task has no parent package.json: a .js file of the task is
// CommonJS unless the task root's own package.json says otherwise, wherever
// the cloud assembly sits here (e.g. below a "type": "module" project).
const jsLoader = Module._extensions['.js'];
Module._extensions['.js'] = function loadJs(module, filename) {
  if (!taskRootIsModule() && filename.startsWith(taskRoot + sep)) {
    module._compile(readFileSync(filename, 'utf8'), filename);
    return;
  }
  return jsLoader.call(this, module, filename);
};
let currentRequestId = undefined;

// Lambda's console: every line carries a timestamp, the request id and a level.
// Lines go over the IPC channel, so they reach the local cloud before the
// invocation's result (stdout and stderr pipes carry only raw writes).
for (const [method, level] of [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
]) {
  const stream = level === 'ERROR' || level === 'WARN' ? 'stderr' : 'stdout';
  console[method] = (...args) => {
    const text = format(...args).replace(/\n/g, '\r');
    const line = `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}`;
    if (process.send) process.send({ type: 'log', stream, line });
    else process[stream].write(`${line}\n`);
  };
}

function errorPayload(error, fallbackType) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : (error.constructor?.name ?? fallbackType),
      errorMessage: error.message,
      trace: String(error.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function send(message) {
  process.send?.(message);
}

async function loadHandler() {
  const dot = handlerSetting.lastIndexOf('.');
  const moduleName = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const candidates = ['.js', '.mjs', '.cjs'].map((ext) => join(taskRoot, moduleName + ext));
  const file = candidates.find((c) => existsSync(c));
  if (!file) {
    const error = new Error(`Cannot find module '${moduleName}'`);
    error.name = 'Runtime.ImportModuleError';
    throw error;
  }
  let mod;
  try {
    if (file.endsWith('.mjs') || (file.endsWith('.js') && taskRootIsModule())) {
      mod = await import(pathToFileURL(file).href);
    } else {
      try {
        mod = createRequire(file)(file);
      } catch (error) {
        if (error?.code !== 'ERR_REQUIRE_ESM' && !(error instanceof SyntaxError)) throw error;
        mod = await import(pathToFileURL(file).href);
      }
    }
  } catch (error) {
    const wrapped = new Error(`${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`);
    wrapped.name = 'Runtime.ImportModuleError';
    wrapped.stack = error?.stack;
    throw wrapped;
  }
  const handler = mod?.[exportName] ?? mod?.default?.[exportName];
  if (typeof handler !== 'function') {
    const error = new Error(`${handlerSetting} is undefined or not exported`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return handler;
}

function taskRootIsModule() {
  const pkg = join(taskRoot, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return JSON.parse(readFileSync(pkg, 'utf8')).type === 'module';
  } catch {
    return false;
  }
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  const payload = errorPayload(error, 'Runtime.ImportModuleError');
  console.error(`${payload.errorType}: ${payload.errorMessage}`);
  send({ type: 'init-error', error: payload });
  process.exit(1);
}

let pending; // { requestId, settle(kind, value) }
/** Lambda's limit on a synchronous invocation's response. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

function fail(error) {
  const payload = errorPayload(error, 'Runtime.UnhandledPromiseRejection');
  console.error(`Invoke Error \t${JSON.stringify(payload)}`);
  if (pending) pending.settle('error', payload);
  // Lambda restarts the environment after an uncaught error.
  setImmediate(() => process.exit(129));
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', (reason) => {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  if (!(reason instanceof Error)) error.name = 'Runtime.UnhandledPromiseRejection';
  fail(error);
});

function invoke(message) {
  const { requestId, event, deadlineMs, invokedFunctionArn } = message;
  currentRequestId = requestId;
  let settled = false;
  pending = {
    requestId,
    settle(kind, value) {
      if (settled) return;
      settled = true;
      pending = undefined;
      if (kind === 'result') {
        let payload;
        try {
          const text = value === undefined ? 'null' : JSON.stringify(value);
          if (Buffer.byteLength(text ?? 'null') > MAX_RESPONSE_BYTES) {
            send({
              type: 'error',
              requestId,
              error: {
                errorType: 'Function.ResponseSizeTooLarge',
                errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
              },
            });
            return;
          }
          payload = JSON.parse(text ?? 'null');
        } catch (error) {
          send({ type: 'error', requestId, error: errorPayload(error, 'Runtime.MarshalError') });
          return;
        }
        send({ type: 'result', requestId, payload });
      } else {
        send({ type: 'error', requestId, error: value });
      }
    },
  };
  const settle = pending.settle;
  const callback = (error, result) => {
    if (error !== undefined && error !== null) {
      const payload = errorPayload(error, 'Error');
      console.error(`Invoke Error \t${JSON.stringify(payload)}`);
      settle('error', payload);
    } else settle('result', result);
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: callback,
    succeed: (result) => callback(null, result),
    fail: (error) => callback(error ?? new Error('handled')),
  };
  try {
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (result) => settle('result', result),
        (error) => callback(error ?? new Error('Promise rejected with a falsy value')),
      );
    }
  } catch (error) {
    callback(error);
  }
}

process.on('message', (message) => {
  if (message?.type === 'invoke') invoke(message);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
