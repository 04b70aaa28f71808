import { idSchema } from '../ids';
import { array, type Infer, jsonObject, literal, nullable, object, string } from '../schema';

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export const emailAddress = string({ maxLength: 320, pattern: EMAIL_PATTERN, format: 'an email address' });

export const verificationObject = object({
  object: literal('verification'),
  status: literal('verified', 'unverified'),
  strategy: string(),
  attempts: nullable(jsonObject()),
  expire_at: nullable(jsonObject()),
});

export const emailAddressObject = object({
  object: literal('email_address'),
  id: idSchema('emailAddress'),
  email_address: string(),
  verification: nullable(verificationObject),
  linked_to: array(jsonObject()),
});

export type EmailAddressJSON = Infer<typeof emailAddressObject>;
