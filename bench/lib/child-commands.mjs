// The child's side of the harness's command protocol (bench/lib/processes.mjs is the parent's): each
// `{ type }` message runs the handler of that name and is answered `done` with its value or `failed`
// with the error; `ready` is sent once, when the child can take commands.

/** Sends to the parent while it is there. */
const reply = (message) => {
  if (process.connected) process.send(message);
};

/**
 * Answers the parent's commands with `handlers` (functions of the message, sync or async) and says
 * `ready` with `readyFields`. The child never outlives its parent: it exits when the channel goes.
 */
export function serveCommands(handlers, readyFields = {}) {
  process.on('message', (message) => {
    const handler = handlers[message?.type];
    if (!handler) return;
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (value) => reply({ type: 'done', of: message.type, value }),
        (error) => reply({ type: 'failed', of: message.type, message: String(error?.stack ?? error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  if (!process.connected) process.exit(0);
  reply({ type: 'ready', pid: process.pid, ...readyFields });
}
