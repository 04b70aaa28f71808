import type { Route } from '../route';
import { healthRoutes } from './health';
import { keyRoutes } from './keys';
import { openApiRoute } from './openapi';
import { sessionHandoffRoutes } from './session-handoffs';
import { sessionRoutes } from './sessions';
import { testSessionTokenRoutes } from './test-session-tokens';
import { ticketRoutes } from './tickets';
import { userRoutes } from './users';

/** Every route of the server, in matching order (static segments before `{id}`). */
export const ROUTES: readonly Route[] = [
  ...keyRoutes,
  ...healthRoutes,
  ...userRoutes,
  ...testSessionTokenRoutes,
  ...ticketRoutes,
  ...sessionHandoffRoutes,
  ...sessionRoutes,
  openApiRoute(() => ROUTES),
];
