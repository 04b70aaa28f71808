import { auth } from '@tessera/backend/next';

// Authorization: Bearer <jwt>, or the browser's __session cookie.
export async function GET() {
  const { isSignedIn, userId, sessionId, actor, reason } = await auth();
  if (!isSignedIn) return Response.json({ signedIn: false, reason }, { status: 401 });
  return Response.json({ signedIn: true, userId, sessionId, actor });
}
