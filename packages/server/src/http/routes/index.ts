import type { Route } from '../route';
import { actorTokenRoutes } from './actor-tokens';
import { agentTaskRoutes } from './agent-tasks';
import { auditEventRoutes } from './audit-events';
import { clerkBackendApiRoutes } from './clerk-backend-api';
import { clerkFrontendApiRoutes } from './clerk-frontend-api';
import { fixtureRoutes } from './fixtures';
import { healthRoutes } from './health';
import { jwtTemplateRoutes } from './jwt-templates';
import { keyRoutes } from './keys';
import { openApiRoute } from './openapi';
import { organizationMembershipRoutes } from './organization-memberships';
import { organizationRoleRoutes } from './organization-roles';
import { organizationRoutes } from './organizations';
import { sessionHandoffRoutes } from './session-handoffs';
import { sessionRoutes } from './sessions';
import { signInTokenRoutes } from './sign-in-tokens';
import { testSessionTokenRoutes } from './test-session-tokens';
import { testingTokenRoutes } from './testing-tokens';
import { ticketRoutes } from './tickets';
import { userRoutes } from './users';

/** Every route of the server, in matching order (static segments before `{id}`). */
export const ROUTES: readonly Route[] = [
  ...keyRoutes,
  ...healthRoutes,
  ...userRoutes,
  ...organizationRoutes,
  ...organizationMembershipRoutes,
  ...organizationRoleRoutes,
  ...jwtTemplateRoutes,
  ...fixtureRoutes,
  ...testSessionTokenRoutes,
  ...signInTokenRoutes,
  ...actorTokenRoutes,
  ...agentTaskRoutes,
  ...testingTokenRoutes,
  ...auditEventRoutes,
  ...ticketRoutes,
  ...sessionHandoffRoutes,
  ...sessionRoutes,
  ...clerkBackendApiRoutes,
  ...clerkFrontendApiRoutes,
  openApiRoute(() => ROUTES),
];
