import type { MasterKeysConfig } from '@touchline/config';

/** The configured master keys by id, and the active one (which wraps every new data key). */
export class MasterKeyring {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeId: string;

  constructor(config: MasterKeysConfig) {
    if (config.keys.length === 0 || config.activeId === undefined)
      throw new TypeError('MasterKeyring needs at least one master key');
    this.keys = new Map(config.keys.map((k) => [k.id, k.key]));
    if (!this.keys.has(config.activeId))
      throw new TypeError(`the active master key ${config.activeId} is not configured`);
    this.activeId = config.activeId;
  }

  get active(): Buffer {
    return this.keys.get(this.activeId)!;
  }

  /** Throws MasterKeyMissingError for an id that is not configured (removed too early?). */
  get(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new MasterKeyMissingError(id);
    return key;
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }
}

export class MasterKeyMissingError extends Error {
  constructor(readonly masterKeyId: string) {
    super(
      `Master key "${masterKeyId}" wraps data keys but is not configured: add it back to ` +
        'TOUCHLINE_MASTER_KEYS until `touchline keys rotate` has re-wrapped them',
    );
    this.name = 'MasterKeyMissingError';
  }
}
