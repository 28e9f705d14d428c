/** The time source of the alert timers and retries; tests inject their own. */
export type Clock = () => Date;

export const ALERTS_CLOCK = Symbol('ALERTS_CLOCK');

export const systemClock: Clock = () => new Date();
