import type { StudioRoute } from '../route';

export const signInAsPages: readonly StudioRoute[] = [];
