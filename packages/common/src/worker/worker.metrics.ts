import { Counter, Histogram } from 'prom-client';

export const workerMetrics = {
  fetched: new Counter({
    name: 'worker_tasks_fetched_total',
    help: 'External tasks fetched and locked by this worker',
    labelNames: ['topic'],
  }),
  completed: new Counter({
    name: 'worker_tasks_completed_total',
    help: 'External tasks completed',
    labelNames: ['topic'],
  }),
  bpmnErrors: new Counter({
    name: 'worker_bpmn_errors_total',
    help: 'External tasks ended with a BPMN error (business outcome or invalid variables)',
    labelNames: ['topic', 'code'],
  }),
  failures: new Counter({
    name: 'worker_task_failures_total',
    help: 'Technical failures reported to the engine; the last retry becomes an incident',
    labelNames: ['topic', 'incident'],
  }),
  duration: new Histogram({
    name: 'worker_task_duration_seconds',
    help: 'Handler duration per topic and result',
    labelNames: ['topic', 'result'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  pollErrors: new Counter({
    name: 'worker_poll_errors_total',
    help: 'fetchAndLock calls that failed (engine unreachable or erroring)',
  }),
};
