import { idSchema } from '../ids';
import { array, type Infer, integer, jsonObject, literal, nullable, object, string } from '../schema';
import { timestamp } from './common';

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export const emailAddress = string({ maxLength: 320, pattern: EMAIL_PATTERN, format: 'an email address' });

export const verificationObject = object({
  object: literal('verification'),
  status: literal('verified', 'unverified'),
  strategy: string(),
  attempts: nullable(integer({ min: 0 })),
  expire_at: nullable(timestamp),
});

export const emailAddressObject = object({
  object: literal('email_address'),
  id: idSchema('emailAddress'),
  email_address: string(),
  verification: nullable(verificationObject),
  linked_to: array(jsonObject()),
});

export type EmailAddressJSON = Infer<typeof emailAddressObject>;
