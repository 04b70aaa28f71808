import type { StudioRoute } from '../route';

export const instancePages: readonly StudioRoute[] = [];
