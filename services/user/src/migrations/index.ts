import { InitialSchema1795449269012 } from './1795449269012-initial-schema';
import { ClientLinkHolder1796169600000 } from './1796169600000-client-link-holder';
import { LoginThrottle1796247092048 } from './1796247092048-login-throttle';
import { EngineAdminRole1796250000000 } from './1796250000000-engine-admin-role';
import { ManagerRole1796315784363 } from './1796315784363-manager-role';
import { ClientLinksRetired1796400000000 } from './1796400000000-client-links-retired';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [
  InitialSchema1795449269012,
  ClientLinkHolder1796169600000,
  LoginThrottle1796247092048,
  EngineAdminRole1796250000000,
  ManagerRole1796315784363,
  ClientLinksRetired1796400000000,
];
