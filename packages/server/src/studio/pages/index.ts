import type { StudioRoute } from '../route';
import { auditPages } from './audit';
import { instancePages } from './instance';
import { keyPages } from './keys';
import { sessionPages } from './sessions';
import { signInAsPages } from './sign-in-as';
import { tokenPages } from './tokens';
import { userPages } from './user';
import { usersPages } from './users';

/** Every Studio page, in matching order: fixed paths before `{name}` ones where both could match. */
export const STUDIO_ROUTES: readonly StudioRoute[] = [
  ...usersPages,
  ...userPages,
  ...signInAsPages,
  ...tokenPages,
  ...sessionPages,
  ...auditPages,
  ...keyPages,
  ...instancePages,
];
