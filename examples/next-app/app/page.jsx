import { auth } from '@tessera/backend/next';

export default async function Home() {
  const { isSignedIn, userId, sessionId } = await auth();
  if (!isSignedIn) {
    return (
      <main>
        <h1>Signed out</h1>
        <p>Open a test session token URL to sign in.</p>
      </main>
    );
  }
  return (
    <main>
      <h1>Signed in as {userId}</h1>
      <p>
        Session <code>{sessionId}</code>.
      </p>
      <form method="post" action="/sign-out">
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
