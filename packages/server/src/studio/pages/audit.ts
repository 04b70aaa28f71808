import type { StudioRoute } from '../route';

export const auditPages: readonly StudioRoute[] = [];
