import type { StudioRoute } from '../route';

export const sessionPages: readonly StudioRoute[] = [];
