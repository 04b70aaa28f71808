import type { StudioRoute } from '../route';

export const keyPages: readonly StudioRoute[] = [];
