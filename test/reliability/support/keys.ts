/** One API key per scope, as the reliability suites configure the service. */
export const SCOPES = ['ingest', 'analyst', 'ops', 'admin'] as const;
export type ScopeName = (typeof SCOPES)[number];

export const KEYS: Record<ScopeName, string> = {
  ingest: 'rel-ingest-secret-0123456789abcdef',
  analyst: 'rel-analyst-secret-0123456789abcdef',
  ops: 'rel-ops-secret-0123456789abcdef',
  admin: 'rel-admin-secret-0123456789abcdef',
};

/** TOUCHLINE_API_KEYS for the keys above, none rate-limited. */
export const API_KEYS = SCOPES.map((scope) => `rel-${scope}:${KEYS[scope]}:${scope}`).join(',');
