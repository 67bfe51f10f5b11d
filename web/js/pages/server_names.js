// Server names: TLS SNI and HTTP Host (see names.js).
import { mountNames } from './names.js';

export const mount = (ctx) => mountNames(ctx, 'server_names');
