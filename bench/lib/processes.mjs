import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./server-child.mjs', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const live = new Set();

/** Remembers a child process or worker thread until it exits, so an interrupted run can end it. */
export function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Ends every child process and worker this run started that is still running. */
export async function stopTracked() {
  await Promise.all(
    [...live].map((child) =>
      typeof child.terminate === 'function'
        ? child.terminate()
        : new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGKILL');
          }),
    ),
  );
}

/**
 * Starts a server in a child process: `tessera` (startTessera with `options`, request log off) or
 * `bare` (node:http answering `options.body`).
 *
 * `command(type, fields)` sends any other message the child handles and resolves to its answer
 * (`module` runs another child that speaks the same messages: ready, done, failed).
 *
 * @returns {Promise<{ url: string, secretKey: string | undefined, pid: number,
 *   startProfile(): Promise<void>, stopProfile(path: string): Promise<void>,
 *   command(type: string, fields?: object): Promise<unknown>, stop(): Promise<void> }>}
 */
export function startServerProcess(kind, options = {}, { module = CHILD } = {}) {
  const child = track(
    fork(module, [kind, JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => child.exitCode === null && child.signalCode === null;

  /** Sends a command and waits for the child to say it is done with it (or to exit: an error). */
  const command = (message) =>
    new Promise((resolve, reject) => {
      const onMessage = (reply) => {
        if (reply?.of !== message.type) return;
        child.off('message', onMessage);
        if (reply.type === 'done') resolve(reply.value);
        else reject(new Error(`the ${kind} server failed "${message.type}": ${reply.message}`));
      };
      const gone = () => reject(new Error(`the ${kind} server exited during "${message.type}"`));
      if (!alive() || !child.connected) return gone();
      exited.then(gone);
      child.on('message', onMessage);
      child.send(message, (error) => error && gone());
    });

  const stop = async () => {
    if (!alive()) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGKILL');
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${kind} server did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const onReady = (message) => {
      if (message?.type !== 'ready') return;
      child.off('message', onReady);
      clearTimeout(timer);
      resolve({
        url: message.url,
        secretKey: message.secretKey,
        pid: message.pid,
        startProfile: () => command({ type: 'profile-start' }),
        stopProfile: (path) => command({ type: 'profile-stop', path }),
        command: (type, fields = {}) => command({ ...fields, type }),
        stop,
      });
    };
    child.on('message', onReady);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the ${kind} server exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
}
