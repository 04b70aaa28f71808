import type { StudioRoute } from '../route';

export const userPages: readonly StudioRoute[] = [];
