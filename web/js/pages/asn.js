// One autonomous system: see geo_entities.js
import { mountDetail } from './geo_entities.js';

export const mount = (ctx) => mountDetail(ctx, 'asns');
