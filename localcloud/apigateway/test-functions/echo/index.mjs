// A Lambda proxy integration for the API Gateway tests: echoes the event, or answers as `?mode=` asks.
export const handler = async (event) => {
  const mode = event.queryStringParameters?.mode;
  switch (mode) {
    case 'body-object':
      return { statusCode: 200, body: { not: 'a string' } };
    case 'extra-field':
      return { statusCode: 200, body: 'ok', extra: true };
    case 'no-status':
      return { body: 'ok' };
    case 'nothing':
      return undefined;
    case 'throw':
      throw new Error('the handler failed');
    case 'hang':
      return new Promise(() => {});
    case 'binary':
      return { statusCode: 201, headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
    case 'string-status':
      return { statusCode: '418', body: 'teapot' };
    default:
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', 'X-Echo': 'yes' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: JSON.stringify(event),
      };
  }
};
