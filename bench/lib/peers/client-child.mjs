// A test process and an app for one peer, in a process of its own (neither the harness's nor the
// server's), speaking processes.mjs's messages. argv: <driver: tessera | firebase | betterAuth>
// <options as JSON>. Every call is awaited before the next and timed here, to the microsecond.
//   { type: 'info' }                         -> what the driver tells the harness (an admin cookie)
//   { type: 'users', count }                 -> user ids (not timed)
//   { type: 'become', path, userIds, keep }  -> ms per call; with `keep`, the credentials are kept
//   { type: 'verify', path, from, to }       -> ms per call over kept credentials from..to-1, each
//                                               checked to name its user
//   { type: 'stop' }

import { serveCommands } from '../child-commands.mjs';
import { DRIVERS } from './drivers.mjs';

const [kind, rawOptions = '{}'] = process.argv.slice(2);
const driver = await DRIVERS[kind](JSON.parse(rawOptions));
/** path -> [{ userId, credential }] */
const kept = new Map();

const handlers = {
  info: async () => driver.info ?? {},
  users: ({ count }) => driver.users(count),
  async become({ path, userIds, keep }) {
    const become = driver.become[path];
    if (!become) throw new Error(`${kind} has no "${path}" path`);
    const list = kept.get(path) ?? [];
    kept.set(path, list);
    const ms = [];
    for (const userId of userIds) {
      const started = performance.now();
      const credential = await become(userId);
      ms.push(performance.now() - started);
      if (typeof credential !== 'string' || credential.length === 0)
        throw new Error(`${kind} ${path} gave no credential for ${userId}`);
      if (keep) list.push({ userId, credential });
    }
    return ms;
  },
  async verify({ path, from, to }) {
    const list = kept.get(path) ?? [];
    if (to > list.length) throw new Error(`${kind} ${path}: ${list.length} credentials kept, ${to} wanted`);
    const ms = [];
    for (let i = from; i < to; i++) {
      const { userId, credential } = list[i];
      const started = performance.now();
      const sub = await driver.verify(credential);
      ms.push(performance.now() - started);
      if (sub !== userId) throw new Error(`${kind}: a credential for ${userId} was read as ${sub}`);
    }
    return ms;
  },
  async stop() {
    process.exit(0);
  },
};

serveCommands(handlers);
