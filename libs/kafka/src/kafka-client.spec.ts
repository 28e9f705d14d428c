import { createKafka, TOPICS, type KafkaLogger } from './index';

function recordingLogger() {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push([level, message, fields]);
    };
  const logger: KafkaLogger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
  };
  return { logger, lines };
}

describe('createKafka', () => {
  it('routes kafkajs logs to the given logger, at or above its level', () => {
    const { logger, lines } = recordingLogger();
    const kafka = createKafka({
      brokers: ['127.0.0.1:1'],
      clientId: 'spec',
      logger,
      logLevel: 'warn',
    });
    const log = kafka.logger().namespace('Relay');
    log.info('not at warn level');
    log.warn('broker slow', { broker: '127.0.0.1:1' });
    log.error('gave up');
    expect(lines).toEqual([
      ['warn', '[Relay] broker slow', { broker: '127.0.0.1:1' }],
      ['error', '[Relay] gave up', {}],
    ]);
  });

  it('writes nothing anywhere without a logger', () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m),
    );
    try {
      const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'spec' });
      kafka.logger().error('would be noise in tests');
      kafka.producer();
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('names the topics', () => {
    expect(Object.values(TOPICS)).toEqual([
      'touchline.inbound.v1',
      'touchline.inbound.v1.dlq',
      'touchline.journey.v1',
      'touchline.alerts.v1',
    ]);
  });
});
