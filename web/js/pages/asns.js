// asns: see geo_entities.js
import { mountList } from './geo_entities.js';

export const mount = (ctx) => mountList(ctx, 'asns');
