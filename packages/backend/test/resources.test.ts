import {
  DeletedObject,
  EmailAddress,
  Jwks,
  ResponseValidationError,
  Session,
  SessionHandoff,
  SessionRefresh,
  TestSessionToken,
  TicketAcceptance,
  Token,
  User,
} from '@tessera/backend';
import { describe, expect, it } from 'vitest';
import {
  EMAIL_ID,
  emailAddressJSON,
  ORGANIZATION_ID,
  SESSION_ID,
  sessionJSON,
  TOKEN_ID,
  testSessionTokenJSON,
  USER_ID,
  userJSON,
} from './support/wire-fixtures';

function validationError(run: () => unknown): ResponseValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseValidationError) return error;
    throw error;
  }
  throw new Error('expected a ResponseValidationError');
}

describe('TestSessionToken.fromJSON', () => {
  it('maps every field by name', () => {
    const token = TestSessionToken.fromJSON(
      testSessionTokenJSON({
        redirect_url: 'https://app.test',
        session_id: null,
        organization_id: ORGANIZATION_ID,
      }),
    );
    expect(token).toEqual({
      object: 'test_session_token',
      id: TOKEN_ID,
      userId: USER_ID,
      status: 'pending',
      token: 'ticket-value',
      url: 'http://127.0.0.1:4000/v1/tickets/accept?ticket=ticket-value',
      redirectUrl: 'https://app.test',
      sessionId: null,
      organizationId: ORGANIZATION_ID,
      expiresAt: 1_700_000_600_000,
      sessionMaxDurationInSeconds: 1800,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    });
    expect(Object.isFrozen(token)).toBe(true);
  });

  it('drops unknown keys (forward compatible)', () => {
    expect(TestSessionToken.fromJSON(testSessionTokenJSON({ brand_new_field: 1 }))).not.toHaveProperty(
      'brand_new_field',
    );
  });

  it.each([
    ['status', { status: 'used' }, 'status', 'invalid'],
    ['a missing field', { expires_at: undefined }, 'expires_at', 'missing'],
    ['a wrong type', { created_at: '2024-01-01' }, 'created_at', 'invalid'],
    ['a bad id', { user_id: 'usr_1' }, 'user_id', 'invalid'],
    ['an omitted nullable', { token: undefined }, 'token', 'missing'],
    ['the discriminant', { object: 'session' }, 'object', 'invalid'],
  ])('refuses %s, naming the field', (_, overrides, path, problem) => {
    const error = validationError(() => TestSessionToken.fromJSON(testSessionTokenJSON(overrides)));
    expect(error).toMatchObject({ code: 'response_invalid', resource: 'TestSessionToken', path });
    expect(error.issues[0]?.problem).toBe(problem);
    expect(error.message).toContain(path);
  });

  it('refuses a non-object, and never echoes the values (tokens are secrets)', () => {
    expect(validationError(() => TestSessionToken.fromJSON('nope')).path).toBe('');
    const error = validationError(() =>
      TestSessionToken.fromJSON(testSessionTokenJSON({ status: 'secret-ticket-xyz' })),
    );
    expect(error.message).not.toContain('secret-ticket-xyz');
  });
});

describe('User.fromJSON', () => {
  it('maps fields, nested email addresses, and keeps metadata keys untouched', () => {
    const user = User.fromJSON(userJSON());
    expect(user).toMatchObject({
      object: 'user',
      id: USER_ID,
      firstName: 'Ada',
      primaryEmailAddressId: EMAIL_ID,
      publicMetadata: { role: 'admin', nested_key: { keep_me: true } },
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_001,
    });
    expect(user.emailAddresses[0]).toEqual({
      object: 'email_address',
      id: EMAIL_ID,
      emailAddress: 'ada@example.com',
      verification: { status: 'verified', strategy: 'admin', attempts: null, expireAt: null },
      linkedTo: [],
    });
  });

  it('names nested paths', () => {
    const json = userJSON({ email_addresses: [{ ...emailAddressJSON(), linked_to: null }] });
    expect(validationError(() => User.fromJSON(json)).path).toBe('email_addresses[0].linked_to');
  });

  it('reports every issue', () => {
    const error = validationError(() => User.fromJSON(userJSON({ banned: null, locked: 'x' })));
    expect(error.issues.map((issue) => issue.path)).toEqual(['banned', 'locked']);
    expect(error.message).toContain('(and 1 more)');
  });
});

describe('the other resources', () => {
  it('EmailAddress, Session, DeletedObject, Token, TicketAcceptance, Jwks', () => {
    expect(EmailAddress.fromJSON(emailAddressJSON()).emailAddress).toBe('ada@example.com');
    expect(Session.fromJSON(sessionJSON())).toMatchObject({
      object: 'session',
      id: SESSION_ID,
      userId: USER_ID,
      status: 'active',
      expireAt: 1_700_001_800_000,
      abandonAt: 1_700_001_800_000,
    });
    expect(DeletedObject.fromJSON({ object: 'user', id: USER_ID, deleted: true })).toEqual({
      object: 'user',
      id: USER_ID,
      deleted: true,
    });
    expect(Token.fromJSON({ object: 'token', jwt: 'a.b.c' }).jwt).toBe('a.b.c');
    expect(
      TicketAcceptance.fromJSON({ object: 'ticket_acceptance', session: sessionJSON(), jwt: 'j' }).session.id,
    ).toBe(SESSION_ID);
    const key = { kty: 'RSA', kid: 'k1', alg: 'RS256', use: 'sig', n: 'n', e: 'AQAB' };
    expect(Jwks.fromJSON({ keys: [key] }).keys).toEqual([key]);
  });

  it('SessionHandoff and SessionRefresh', () => {
    const handoff = SessionHandoff.fromJSON({
      object: 'session_handoff',
      session: sessionJSON(),
      jwt: 'j',
      refresh_token: 'r',
      future_field: 1,
    });
    expect(handoff).toEqual({
      object: 'session_handoff',
      session: Session.fromJSON(sessionJSON()),
      jwt: 'j',
      refreshToken: 'r',
    });
    expect(Object.isFrozen(handoff)).toBe(true);
    expect(SessionRefresh.fromJSON({ object: 'session_refresh', session: sessionJSON(), jwt: 'j' })).toEqual({
      object: 'session_refresh',
      session: Session.fromJSON(sessionJSON()),
      jwt: 'j',
    });
    const missing = validationError(() =>
      SessionHandoff.fromJSON({ object: 'session_handoff', session: sessionJSON(), jwt: 'secret-jwt' }),
    );
    expect(missing).toMatchObject({ resource: 'SessionHandoff', path: 'refresh_token' });
    expect(missing.message).not.toContain('secret-jwt');
    expect(
      validationError(() =>
        SessionRefresh.fromJSON({ object: 'session_handoff', session: sessionJSON(), jwt: 'j' }),
      ).path,
    ).toBe('object');
  });

  it('each refuses a malformed payload, naming the field', () => {
    expect(validationError(() => Session.fromJSON(sessionJSON({ status: 'paused' }))).path).toBe('status');
    expect(validationError(() => DeletedObject.fromJSON({ object: 'user', id: USER_ID })).path).toBe(
      'deleted',
    );
    expect(validationError(() => Token.fromJSON({ object: 'token' })).path).toBe('jwt');
    expect(
      validationError(() => TicketAcceptance.fromJSON({ object: 'ticket_acceptance', session: {}, jwt: 'j' }))
        .path,
    ).toBe('session.object');
    expect(validationError(() => Jwks.fromJSON({ keys: [{ kty: 'EC' }] })).path).toBe('keys[0].kty');
    expect(validationError(() => EmailAddress.fromJSON({ ...emailAddressJSON(), id: 'x' })).resource).toBe(
      'EmailAddress',
    );
  });
});
