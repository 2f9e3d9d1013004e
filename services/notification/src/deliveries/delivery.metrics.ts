import { Counter, Histogram } from 'prom-client';

export const deliveryMetrics = {
  attempts: new Counter({
    name: 'notification_delivery_attempts_total',
    help: 'E-mail and webhook delivery attempts by channel, template or event, and result',
    labelNames: ['channel', 'template', 'status'],
  }),
  duration: new Histogram({
    name: 'notification_delivery_duration_seconds',
    help: 'Time of one delivery attempt (SMTP send or webhook request)',
    labelNames: ['channel'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
};
