import { describe, expect, it } from 'vitest';

// The public surface of @tessera/testing. A change here is a change to the published API: update the
// list deliberately (and the README), never to make a test pass.
describe('exports', () => {
  it('@tessera/testing', async () => {
    expect(Object.keys(await import('@tessera/testing')).sort()).toEqual([
      'SignInError',
      'createAgentTestingTask',
      'createStorageState',
      'signIn',
      'signInWithTicket',
      'startAgentTask',
      'tesseraSetup',
      'tesseraWebServer',
    ]);
  });

  it('@tessera/testing/fixtures', async () => {
    expect(Object.keys(await import('../src/fixtures')).sort()).toEqual(['expect', 'test']);
  });

  it('createAgentTestingTask is startAgentTask under @clerk/testing’s name', async () => {
    const testing = await import('@tessera/testing');
    expect(testing.createAgentTestingTask).toBe(testing.startAgentTask);
  });
});
