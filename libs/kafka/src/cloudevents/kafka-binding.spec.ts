import type { IHeaders } from 'kafkajs';
import {
  fromKafkaMessage,
  InvalidCloudEventError,
  toBinaryMessage,
  toStructuredMessage,
  type CloudEvent,
  type DecodeResult,
  type IncomingKafkaMessage,
  type OutgoingKafkaMessage,
} from '../index';

const purchase: CloudEvent = {
  specversion: '1.0',
  id: '6f1c1b8e-2f1a-4d7b-9a53-0c0f3c0f1a11',
  source: '/touchline/relay',
  type: 'purchase',
  time: '2024-03-01T10:15:00.123Z',
  subject: 'c-42',
  datacontenttype: 'application/json',
  data: { orderId: 'o-1', amount: 19.9, items: [{ sku: 'A', qty: 2 }], note: 'naïve café ✓' },
  extensions: {
    partitionkey: 'c-42',
    tlstream: 'customer-c-42',
    tlrevision: 7,
    tlposition: '981-1234',
    tlversion: 1,
  },
};

/** What kafkajs gives a consumer: every header value and the value as Buffers. */
function overTheWire(message: OutgoingKafkaMessage): IncomingKafkaMessage {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers))
    headers[name] = Buffer.from(value, 'utf8');
  return {
    key: message.key === null ? null : Buffer.from(message.key),
    value: message.value,
    headers,
  };
}

function binary(
  headers: Record<string, string>,
  value: string | Buffer | null,
): IncomingKafkaMessage {
  return overTheWire({
    key: null,
    value: typeof value === 'string' ? Buffer.from(value) : value,
    headers,
  });
}

const requiredHeaders = {
  ce_specversion: '1.0',
  ce_id: 'e-1',
  ce_source: '/producer',
  ce_type: 'visit',
};

function expectError(result: DecodeResult, code: string, attribute?: string): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  if (attribute !== undefined) expect(result.error.attribute).toBe(attribute);
}

describe('CloudEvents Kafka binding', () => {
  describe('binary content mode', () => {
    it('maps attributes to ce_ headers, datacontenttype to content-type and data to the value', () => {
      const message = toBinaryMessage(purchase);
      expect(message.key).toBe('c-42');
      expect(message.headers).toEqual({
        ce_specversion: '1.0',
        ce_id: purchase.id,
        ce_source: '/touchline/relay',
        ce_type: 'purchase',
        ce_time: '2024-03-01T10:15:00.123Z',
        ce_subject: 'c-42',
        ce_partitionkey: 'c-42',
        ce_tlstream: 'customer-c-42',
        ce_tlrevision: '7',
        ce_tlposition: '981-1234',
        ce_tlversion: '1',
        'content-type': 'application/json',
      });
      expect(JSON.parse(message.value!.toString('utf8'))).toEqual(purchase.data);
    });

    it('round-trips, Integer extensions coming back as numbers', () => {
      const decoded = fromKafkaMessage(overTheWire(toBinaryMessage(purchase)));
      expect(decoded).toEqual({ ok: true, mode: 'binary', event: purchase });
    });

    it('round-trips bytes with a non-JSON content type, and an event without data', () => {
      const bytes: CloudEvent = {
        ...purchase,
        datacontenttype: 'application/octet-stream',
        data: Buffer.from([0, 1, 2, 255]),
      };
      const decoded = fromKafkaMessage(overTheWire(toBinaryMessage(bytes)));
      expect(
        decoded.ok &&
          Buffer.from(decoded.event.data as Uint8Array).equals(Buffer.from([0, 1, 2, 255])),
      ).toBe(true);
      expect(decoded.ok && decoded.event.datacontenttype).toBe('application/octet-stream');

      const noData: CloudEvent = {
        specversion: '1.0',
        id: 'x',
        source: '/s',
        type: 't',
        extensions: {},
      };
      const message = toBinaryMessage(noData);
      expect(message.value).toBeNull();
      expect(message.key).toBeNull();
      expect(message.headers['content-type']).toBeUndefined();
      expect(fromKafkaMessage(overTheWire(message))).toEqual({
        ok: true,
        mode: 'binary',
        event: noData,
      });
    });

    it('states the implied application/json when datacontenttype is absent', () => {
      const { datacontenttype: _omitted, ...implicit } = purchase;
      const message = toBinaryMessage(implicit);
      expect(message.headers['content-type']).toBe('application/json');
    });

    it('reads header values as plain UTF-8 strings, with no percent-decoding', () => {
      const decoded = fromKafkaMessage(
        binary(
          { ...requiredHeaders, ce_subject: 'Zoë%20K', 'content-type': 'application/json' },
          '{}',
        ),
      );
      expect(decoded.ok && decoded.event.subject).toBe('Zoë%20K');
    });

    it('accepts string header values and repeated-name arrays of one value', () => {
      const decoded = fromKafkaMessage({
        value: Buffer.from('[1,2]'),
        headers: {
          ...requiredHeaders,
          ce_id: ['e-9'],
          'Content-Type': 'application/vnd.touchline+json; charset=utf-8',
        },
      });
      expect(decoded).toEqual({
        ok: true,
        mode: 'binary',
        event: {
          specversion: '1.0',
          id: 'e-9',
          source: '/producer',
          type: 'visit',
          datacontenttype: 'application/vnd.touchline+json; charset=utf-8',
          data: [1, 2],
          extensions: {},
        },
      });
    });

    it('keeps unknown extensions as strings: their type is known only to their owner', () => {
      const decoded = fromKafkaMessage(
        binary({ ...requiredHeaders, ce_comexampleflag: 'true', ce_count: '5' }, null),
      );
      expect(decoded.ok && decoded.event.extensions).toEqual({
        comexampleflag: 'true',
        count: '5',
      });
    });

    it('gives the value as bytes when there is no content type', () => {
      const decoded = fromKafkaMessage(binary(requiredHeaders, '{"a":1}'));
      expect(decoded.ok && Buffer.isBuffer(decoded.event.data)).toBe(true);
    });

    it.each(['specversion', 'id', 'source', 'type'])('reports a missing %s', (attribute) => {
      const headers: Record<string, string> = { ...requiredHeaders };
      delete headers[`ce_${attribute}`];
      expectError(fromKafkaMessage(binary(headers, null)), 'missing_attribute', attribute);
    });

    it('reports a message that carries no CloudEvent at all', () => {
      expectError(
        fromKafkaMessage({ key: null, value: Buffer.from('hello') }),
        'missing_attribute',
        'specversion',
      );
    });

    it('reports malformed attributes', () => {
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_specversion: '0.3' }, null)),
        'unsupported_specversion',
      );
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_id: '' }, null)),
        'invalid_attribute',
        'id',
      );
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_time: 'yesterday' }, null)),
        'invalid_attribute',
        'time',
      );
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_Subject: 'x' }, null)),
        'invalid_attribute',
        'Subject',
      );
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_tlrevision: 'seven' }, null)),
        'invalid_attribute',
        'tlrevision',
      );
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_tlrevision: '2147483648' }, null)),
        'invalid_attribute',
        'tlrevision',
      );
      expectError(
        fromKafkaMessage(binary({ ...requiredHeaders, ce_subject: 'a\nb' }, null)),
        'invalid_attribute',
        'subject',
      );
      expectError(
        fromKafkaMessage({ value: null, headers: { ...requiredHeaders, ce_id: ['a', 'b'] } }),
        'invalid_attribute',
        'id',
      );
      expectError(
        fromKafkaMessage({
          value: null,
          headers: { ...requiredHeaders, ce_id: Buffer.from([0xc3, 0x28]) },
        }),
        'invalid_attribute',
        'id',
      );
    });

    it('reports data that is not the JSON its content type declares', () => {
      expectError(
        fromKafkaMessage(
          binary({ ...requiredHeaders, 'content-type': 'application/json' }, '{"a":'),
        ),
        'invalid_json',
        'data',
      );
      expectError(
        fromKafkaMessage(
          binary(
            { ...requiredHeaders, 'content-type': 'application/json' },
            Buffer.from([0xff, 0xfe]),
          ),
        ),
        'invalid_json',
        'data',
      );
    });
  });

  describe('structured content mode', () => {
    it('puts the whole event in the value in the JSON format, extensions as top-level members', () => {
      const message = toStructuredMessage(purchase);
      expect(message.key).toBe('c-42');
      expect(message.headers).toEqual({
        'content-type': 'application/cloudevents+json; charset=UTF-8',
      });
      expect(JSON.parse(message.value!.toString('utf8'))).toEqual({
        specversion: '1.0',
        id: purchase.id,
        source: '/touchline/relay',
        type: 'purchase',
        time: '2024-03-01T10:15:00.123Z',
        subject: 'c-42',
        datacontenttype: 'application/json',
        partitionkey: 'c-42',
        tlstream: 'customer-c-42',
        tlrevision: 7,
        tlposition: '981-1234',
        tlversion: 1,
        data: purchase.data,
      });
    });

    it('round-trips', () => {
      expect(fromKafkaMessage(overTheWire(toStructuredMessage(purchase)))).toEqual({
        ok: true,
        mode: 'structured',
        event: purchase,
      });
    });

    it('round-trips bytes through data_base64 and text through data', () => {
      const bytes: CloudEvent = {
        ...purchase,
        datacontenttype: 'image/png',
        data: Buffer.from([137, 80, 78, 71]),
      };
      const message = toStructuredMessage(bytes);
      expect(JSON.parse(message.value!.toString()).data_base64).toBe('iVBORw==');
      const decoded = fromKafkaMessage(overTheWire(message));
      expect(
        decoded.ok &&
          Buffer.from(decoded.event.data as Uint8Array).equals(Buffer.from([137, 80, 78, 71])),
      ).toBe(true);

      const xml: CloudEvent = {
        ...purchase,
        datacontenttype: 'text/xml',
        data: '<much wow="xml"/>',
      };
      expect(fromKafkaMessage(overTheWire(toStructuredMessage(xml)))).toEqual({
        ok: true,
        mode: 'structured',
        event: xml,
      });
    });

    it('tells the modes apart by a content-type prefixed application/cloudevents, in any case', () => {
      const value = JSON.stringify({
        specversion: '1.0',
        id: 'e-1',
        source: '/p',
        type: 'visit',
        subject: null,
        data: null,
      });
      const decoded = fromKafkaMessage({
        value: Buffer.from(value),
        headers: { 'content-type': 'Application/CloudEvents+JSON' },
      });
      expect(decoded).toEqual({
        ok: true,
        mode: 'structured',
        // A null attribute is an absent one; a null data is an explicit null payload.
        event: {
          specversion: '1.0',
          id: 'e-1',
          source: '/p',
          type: 'visit',
          data: null,
          extensions: {},
        },
      });
    });

    it('reports bad input', () => {
      const structured = (value: string | null, contentType = 'application/cloudevents+json') =>
        fromKafkaMessage({
          value: value === null ? null : Buffer.from(value),
          headers: { 'content-type': contentType },
        });
      const valid = { specversion: '1.0', id: 'e-1', source: '/p', type: 'visit' };

      expectError(structured('{"specversion":"1.0",'), 'invalid_json');
      expectError(structured('[1,2]'), 'invalid_json');
      expectError(structured(null), 'invalid_json');
      expectError(
        structured(JSON.stringify({ ...valid, type: undefined })),
        'missing_attribute',
        'type',
      );
      expectError(structured(JSON.stringify({ ...valid, id: 42 })), 'invalid_attribute', 'id');
      expectError(
        structured(JSON.stringify({ ...valid, comexample: { nested: true } })),
        'invalid_attribute',
        'comexample',
      );
      expectError(
        structured(JSON.stringify({ ...valid, ratio: 0.5 })),
        'invalid_attribute',
        'ratio',
      );
      expectError(
        structured(JSON.stringify({ ...valid, data: 1, data_base64: 'AA==' })),
        'invalid_attribute',
        'data',
      );
      expectError(
        structured(JSON.stringify({ ...valid, data_base64: 'not base64!' })),
        'invalid_attribute',
        'data_base64',
      );
      expectError(
        structured(JSON.stringify({ ...valid, datacontenttype: 'text/plain', data: { a: 1 } })),
        'invalid_attribute',
        'data',
      );
      expectError(
        structured(JSON.stringify(valid), 'application/cloudevents+avro'),
        'unsupported_format',
      );
      expectError(
        structured(JSON.stringify([valid]), 'application/cloudevents-batch+json'),
        'unsupported_format',
      );
    });
  });

  describe('encoding', () => {
    it('refuses an event that breaks the spec, naming the attribute', () => {
      const attempt = (event: CloudEvent) => () => toBinaryMessage(event);
      expect(attempt({ ...purchase, extensions: { Bad_Name: 'x' } })).toThrow(
        InvalidCloudEventError,
      );
      expect(attempt({ ...purchase, extensions: { id: 'x' } })).toThrow(
        /clashes with a core attribute/,
      );
      expect(attempt({ ...purchase, extensions: { tlrevision: 2 ** 31 } })).toThrow(/Integer/);
      expect(attempt({ ...purchase, extensions: { partitionkey: '' } })).toThrow(/partitionkey/);
      expect(attempt({ ...purchase, id: '' })).toThrow(/id must not be empty/);
      expect(attempt({ ...purchase, time: '2024-03-01 10:15' })).toThrow(/RFC 3339/);
      expect(attempt({ ...purchase, datacontenttype: 'text/plain', data: { a: 1 } })).toThrow(
        /data for text\/plain/,
      );
    });
  });
});
