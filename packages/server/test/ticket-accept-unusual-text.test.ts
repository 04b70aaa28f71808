import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import type { Json, TestServer } from './support/tessera';

// A ticket's free text reaches the database twice on acceptance (its audit events): text that JSON
// carries but Postgres's JSON-to-text does not (a lone UTF-16 surrogate) must still be accepted.

const APP = 'https://app.example.com';

function suite(database: string, start: StartServer) {
  describe(`accepting a ticket whose text is unusual, on ${database}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start({ allowedRedirectOrigins: [APP] });
    });
    afterAll(() => server.close());

    it('accepts an agent task named with a lone surrogate, once, and records it', async () => {
      const user = await server.createUser({ username: `surrogate-${database}` });
      const task = await server.post('/v1/agents/tasks', {
        on_behalf_of: { user_id: user.id },
        permissions: '*',
        agent_name: 'bot \ud800',
        task_description: 'check \udfff twice',
        redirect_url: `${APP}/done`,
      });
      expect(task.status, task.text).toBe(200);
      const accepted = await server.post('/v1/tickets/accept', { ticket: task.body.token }, { auth: false });
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.body.session.user_id).toBe(user.id);
      const again = await server.post('/v1/tickets/accept', { ticket: task.body.token }, { auth: false });
      expect(again.status).toBe(409);
      const events = await server.get(`/v1/audit_events?session_id=${accepted.body.session.id}`);
      expect(events.body.map((event: Json) => event.type).sort()).toEqual([
        'session.started',
        'ticket.accepted',
      ]);
      const sessions = await server.get(`/v1/sessions?paginated=true&user_id=${user.id}`);
      expect(sessions.body.total_count).toBe(1);
    });
  });
}

onEveryDatabase('accepting unusual text', suite);
