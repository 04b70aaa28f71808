import { startExample } from '../server.js';

// tessera and the app in this process; the workers reach them over HTTP with the variables set here.
export default async function globalSetup() {
  const example = await startExample({ appPort: 3100, tesseraPort: 0 });
  process.env.TESSERA_API_URL = example.tessera.url;
  process.env.TESSERA_SECRET_KEY = example.tessera.secretKey;
  return () => example.close();
}
