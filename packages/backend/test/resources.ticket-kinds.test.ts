import {
  ActorToken,
  AgentTask,
  AuditEvent,
  ResponseValidationError,
  SignInToken,
  TestingToken,
} from '@tessera/backend';
import { describe, expect, it } from 'vitest';
import {
  ACTOR_TOKEN_ID,
  AGENT_ID,
  AGENT_TASK_ID,
  actorTokenJSON,
  agentTaskJSON,
  auditEventJSON,
  EVENT_ID,
  SESSION_ID,
  SIGN_IN_TOKEN_ID,
  signInTokenJSON,
  testingTokenJSON,
  USER_ID,
} from './support/wire-fixtures';

function refusal(run: () => unknown): ResponseValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseValidationError) return error;
    throw error;
  }
  throw new Error('expected a ResponseValidationError');
}

const ticketFields = {
  userId: USER_ID,
  status: 'pending',
  token: 'ticket-value',
  url: 'http://127.0.0.1:4000/v1/tickets/accept?ticket=ticket-value',
  sessionId: null,
  organizationId: null,
  expiresAt: 1_700_000_600_000,
  sessionMaxDurationInSeconds: 1800,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

describe('fromJSON maps every field by name', () => {
  it('SignInToken', () => {
    const token = SignInToken.fromJSON(signInTokenJSON({ redirect_url: 'https://app.test' }));
    expect(token).toEqual({
      object: 'sign_in_token',
      id: SIGN_IN_TOKEN_ID,
      ...ticketFields,
      redirectUrl: 'https://app.test',
    });
    expect(Object.isFrozen(token)).toBe(true);
  });

  it('ActorToken, keeping the actor as sent', () => {
    const token = ActorToken.fromJSON(actorTokenJSON());
    expect(token).toEqual({
      object: 'actor_token',
      id: ACTOR_TOKEN_ID,
      ...ticketFields,
      redirectUrl: null,
      actor: { sub: 'support_42', ticketRef: 'T-1', nested_key: { camelCase: true } },
    });
    expect(Object.isFrozen(token)).toBe(true);
  });

  it('AgentTask', () => {
    const task = AgentTask.fromJSON(agentTaskJSON({ future_field: 1 }));
    expect(task).toEqual({
      object: 'agent_task',
      id: AGENT_TASK_ID,
      ...ticketFields,
      redirectUrl: 'http://localhost:3000/cart',
      agentTaskId: AGENT_TASK_ID,
      taskId: AGENT_TASK_ID,
      agentId: AGENT_ID,
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      permissions: '*',
    });
    expect(Object.isFrozen(task)).toBe(true);
  });

  it('TestingToken', () => {
    expect(TestingToken.fromJSON(testingTokenJSON())).toEqual({
      object: 'testing_token',
      token: 'testing-token-value',
      expiresAt: 1_700_003_600_000,
    });
  });

  it('AuditEvent, with a frozen actor', () => {
    const event = AuditEvent.fromJSON(auditEventJSON());
    expect(event).toEqual({
      object: 'audit_event',
      id: EVENT_ID,
      type: 'ticket.accepted',
      actor: { type: 'agent', id: AGENT_ID, name: 'checkout-bot' },
      userId: USER_ID,
      ticketId: AGENT_TASK_ID,
      ticketKind: 'agent_task',
      sessionId: SESSION_ID,
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      reason: null,
      ip: '127.0.0.1',
      userAgent: 'node',
      data: { via: 'code' },
      createdAt: 1_700_000_000_500,
    });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.actor)).toBe(true);
    const system = AuditEvent.fromJSON(
      auditEventJSON({ type: 'ticket.expired', actor: { type: 'system', id: null, name: null }, data: null }),
    );
    expect(system).toMatchObject({ actor: { type: 'system', id: null, name: null }, data: null });
  });
});

describe('fromJSON refuses a malformed reply, naming the resource and the field', () => {
  it.each([
    ['SignInToken', 'object', () => SignInToken.fromJSON(signInTokenJSON({ object: 'test_session_token' }))],
    ['SignInToken', 'id', () => SignInToken.fromJSON(signInTokenJSON({ id: 'tst_1' }))],
    ['ActorToken', 'actor', () => ActorToken.fromJSON(actorTokenJSON({ actor: 'support_42' }))],
    ['ActorToken', 'token', () => ActorToken.fromJSON(actorTokenJSON({ token: undefined }))],
    ['AgentTask', 'permissions', () => AgentTask.fromJSON(agentTaskJSON({ permissions: 'read' }))],
    ['AgentTask', 'agent_id', () => AgentTask.fromJSON(agentTaskJSON({ agent_id: 'agent_1' }))],
    ['TestingToken', 'token', () => TestingToken.fromJSON({ object: 'testing_token' })],
    ['AuditEvent', 'type', () => AuditEvent.fromJSON(auditEventJSON({ type: 'ticket.lost' }))],
    ['AuditEvent', 'ticket_kind', () => AuditEvent.fromJSON(auditEventJSON({ ticket_kind: 'coupon' }))],
    ['AuditEvent', 'actor.id', () => AuditEvent.fromJSON(auditEventJSON({ actor: { type: 'cli' } }))],
  ])('%s, at %s', (resource, path, run) => {
    expect(refusal(run)).toMatchObject({ code: 'response_invalid', resource, path });
  });

  it('never echoes a value (tickets are secrets)', () => {
    const error = refusal(() => SignInToken.fromJSON(signInTokenJSON({ status: 'secret-ticket-xyz' })));
    expect(error.message).not.toContain('secret-ticket-xyz');
  });
});
