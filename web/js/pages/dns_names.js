// DNS names queried (see names.js).
import { mountNames } from './names.js';

export const mount = (ctx) => mountNames(ctx, 'dns_names');
