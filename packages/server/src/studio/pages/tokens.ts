import type { StudioRoute } from '../route';

export const tokenPages: readonly StudioRoute[] = [];
