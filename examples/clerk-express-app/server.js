// `node examples/clerk-express-app/server.js`: the app on PORT (default 3100), configured by CLERK_*
// environment variables only (see README.md).
import { startApp } from './app.js';

const missing = ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  process.stderr.write(`clerk-express-app: set ${missing.join(' and ')} (see README.md)\n`);
  process.exit(2);
}

const server = await startApp().catch((error) => {
  process.stderr.write(`clerk-express-app: ${error.message}\n`);
  process.exit(2);
});
process.stdout.write(`The Clerk example app is listening on http://127.0.0.1:${server.address().port}\n`);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
