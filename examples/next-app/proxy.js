import { createRouteMatcher, tesseraMiddleware } from '@tessera/backend/next';

// TESSERA_SECRET_KEY and TESSERA_API_URL come from the environment.
const isProtectedRoute = createRouteMatcher(['/protected(.*)']);

export default tesseraMiddleware(async (auth, request) => {
  if (isProtectedRoute(request)) await auth.protect();
});

export const config = {
  // Every route but Next's static files: auth() works wherever the middleware ran.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
