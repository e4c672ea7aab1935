import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQueryProtocolRequest, QueryProtocolError, readQueryRequest, sendQueryError, sendQueryResult, signedServiceName, unsupportedOperation } from './query-protocol';

/** The query-protocol helpers behind a bare node server: what they parse and what the XML says. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (!isQueryProtocolRequest(req)) return void res.writeHead(404).end();
    try {
      const q = await readQueryRequest(req, 1024);
      if (q.action === 'Echo') {
        return sendQueryResult(res, { action: 'Echo', namespace: 'https://example.com/doc/', result: { Value: q.params.get('Value'), Service: signedServiceName(req), Nested: { Version: q.version } } });
      }
      throw unsupportedOperation('Example', q.action);
    } catch (error) {
      sendQueryError(res, error instanceof QueryProtocolError ? error : new QueryProtocolError('InternalFailure', 'boom', 500));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, body });
const parse = async (res: Response) => new XMLParser().parse(await res.text());

describe('query protocol', () => {
  it('answers a result in <ActionResponse><ActionResult>, escaped, with the request id in header and body', async () => {
    const res = await post('Action=Echo&Version=2011-06-15&Value=%3Ca%20%26%20b%3E', {
      authorization: 'AWS4-HMAC-SHA256 Credential=ASIAX/20261206/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml');
    const body = await parse(res);
    expect(body.EchoResponse.EchoResult).toEqual({ Value: '<a & b>', Service: 'sts', Nested: { Version: '2011-06-15' } });
    expect(body.EchoResponse.ResponseMetadata.RequestId).toBe(res.headers.get('x-amzn-requestid'));
  });

  it('reads Action from a GET query string too', async () => {
    const body = await parse(await fetch(`${url}?Action=Echo&Value=1`));
    expect(body.EchoResponse.EchoResult.Value).toBe(1);
  });

  it('answers errors as <ErrorResponse>: 501 UnsupportedOperationException naming the action, 400 MissingAction, 413 past the limit', async () => {
    const unsupported = await post('Action=ListUsers&Version=2010-05-08');
    expect(unsupported.status).toBe(501);
    const error = await parse(unsupported);
    expect(error.ErrorResponse.Error).toEqual({ Type: 'Sender', Code: 'UnsupportedOperationException', Message: 'The local cloud does not implement Example ListUsers.' });
    expect(error.ErrorResponse.RequestId).toBe(unsupported.headers.get('x-amzn-requestid'));
    const missing = await post('Version=2011-06-15');
    expect(missing.status).toBe(400);
    expect((await parse(missing)).ErrorResponse.Error.Code).toBe('MissingAction');
    const large = await post(`Action=Echo&Value=${'x'.repeat(2000)}`);
    expect(large.status).toBe(413);
  });

  it('claims only form POSTs and Action GETs of /', async () => {
    expect((await fetch(`${url}bucket/key`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Echo' })).status).toBe(404);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<Delete/>' })).status).toBe(404);
    expect((await fetch(`${url}?list-type=2`)).status).toBe(404);
  });
});
