import { type Infer, literal, object, string } from '../schema';
import { timestamp } from './common';

/** How long a testing token is good for. */
export const TESTING_TOKEN_LIFETIME_SECONDS = 3600;

/**
 * `POST /v1/testing_tokens`, what `@clerk/testing`'s setup asks for. On Clerk it lets test traffic
 * past bot protection; tessera has none, so the token only has to exist: nothing checks it.
 */
export const testingTokenObject = object({
  object: literal('testing_token'),
  token: string(),
  expires_at: timestamp,
});

export type TestingTokenJSON = Infer<typeof testingTokenObject>;
