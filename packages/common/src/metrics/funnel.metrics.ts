import { Counter } from 'prom-client';

/**
 * The client's way through the contract, one step per series. Each step is counted in the
 * service where it happens (link_sent: notification, link_opened: user, the rest: contract);
 * `sum by (step)` over all services is the funnel.
 */
export type FunnelStep = 'link_sent' | 'link_opened' | 'data_submitted' | 'draft_ready' | 'signed';

export const funnelSteps = new Counter({
  name: 'otus_funnel_total',
  help: 'Applications reaching each step of the funnel: link sent, opened, data submitted, draft ready, signed',
  labelNames: ['step'],
});

export function countFunnelStep(step: FunnelStep): void {
  funnelSteps.inc({ step });
}
