import { InitialSchema1795449269012 } from './1795449269012-initial-schema';
import { ClientLinkHolder1796169600000 } from './1796169600000-client-link-holder';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795449269012, ClientLinkHolder1796169600000];
