import type { AtriumModule } from '../module';
import { allow } from '../identity/policy';
import { activityRoutes } from './activity.routes';

export { recordActivity, activityPart, announceActivity, presentActivity, ACTIVITY_COLUMNS, type ActivityInput, type ActivityRow } from './record-activity';
export { openEventStream } from './event-stream';

export const activityModule: AtriumModule = {
  name: 'activity',
  routes: activityRoutes,
  jobs: [],
  policies: ['tenant_admin', 'approver', 'agent', 'viewer'].map((role) => allow(role, 'activity:read')),
};
