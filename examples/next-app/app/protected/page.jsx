import { auth } from '@tessera/backend/next';
import { redirect } from 'next/navigation';

// A server action: auth() answers for the request that runs it, as in a page.
async function checkSession() {
  'use server';
  const { userId } = await auth.protect();
  redirect(`/protected?checkedFor=${encodeURIComponent(userId)}`);
}

export default async function ProtectedPage({ searchParams }) {
  // proxy.js already refused signed-out requests; checking here too costs one cached verification.
  const { userId } = await auth.protect();
  const { checkedFor } = await searchParams;
  return (
    <main>
      <h1>Protected page</h1>
      <p>Only {userId} can see this.</p>
      <form action={checkSession}>
        <button type="submit">Check the session in a server action</button>
      </form>
      {checkedFor === userId ? <p>The server action saw {userId}.</p> : null}
    </main>
  );
}
