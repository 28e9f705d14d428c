import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestLogging } from './request-logging';

type Options = {
  genReqId: (req: IncomingMessage, res: ServerResponse) => string;
  customProps: (req: IncomingMessage) => Record<string, string>;
  serializers: { req: (req: object) => object; res: (res: object) => object };
  autoLogging: { ignore: (req: IncomingMessage) => boolean };
  level: string;
};

const options = requestLogging('debug').pinoHttp as unknown as Options;
const req = (headers: Record<string, string> = {}, extra: object = {}) =>
  ({ headers, url: '/v1/touchpoints', ...extra }) as unknown as IncomingMessage;
const res = () => {
  const headers: Record<string, string> = {};
  return {
    headers,
    setHeader: (name: string, value: string) => (headers[name] = value),
  } as unknown as ServerResponse & { headers: Record<string, string> };
};

describe('requestLogging', () => {
  it('takes the caller’s X-Request-Id when it is a plain token, else makes one, and echoes it', () => {
    const response = res();
    expect(options.genReqId(req({ 'x-request-id': 'abc-123' }), response)).toBe('abc-123');
    expect(response.headers['X-Request-Id']).toBe('abc-123');

    const other = res();
    const made = options.genReqId(req({ 'x-request-id': 'two words\nand a newline' }), other);
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.headers['X-Request-Id']).toBe(made);
  });

  it('takes the correlation id from the header, else from a single touchpoint’s metadata', () => {
    expect(options.customProps(req({ 'x-correlation-id': 'order-77' }))).toEqual({
      correlationId: 'order-77',
    });
    expect(
      options.customProps(req({}, { body: { metadata: { correlationId: 'ticket-9001' } } })),
    ).toEqual({ correlationId: 'ticket-9001' });
    expect(options.customProps(req({ 'x-correlation-id': 'a b' }))).toEqual({});
    expect(options.customProps(req())).toEqual({});
  });

  it('logs a request as id, method and path: no headers, no query, no body, no address', () => {
    const logged = options.serializers.req({
      id: 'r1',
      method: 'GET',
      url: '/v1/customers?email=someone@example.com',
      headers: { authorization: 'Bearer secret', 'user-agent': 'x' },
      remoteAddress: '203.0.113.9',
      body: { email: 'someone@example.com' },
    });
    expect(logged).toEqual({ id: 'r1', method: 'GET', path: '/v1/customers' });
    expect(options.serializers.res({ statusCode: 202, headers: { 'set-cookie': 'x' } })).toEqual({
      statusCode: 202,
    });
  });

  it('does not log health probes and metrics scrapes', () => {
    expect(options.autoLogging.ignore(req({}, { url: '/health/ready' }))).toBe(true);
    expect(options.autoLogging.ignore(req({}, { url: '/metrics' }))).toBe(true);
    expect(options.autoLogging.ignore(req({}, { url: '/v1/touchpoints' }))).toBe(false);
    expect(options.autoLogging.ignore(req({}, { url: '/metricsx' }))).toBe(false);
    expect(options.level).toBe('debug');
  });
});
