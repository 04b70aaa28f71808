/** The source of "now" in Unix milliseconds; tests inject a controllable one instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
