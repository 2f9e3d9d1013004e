#!/usr/bin/env node
// A worker that dies at the worst moment: it boots a service's real Nest module (without its
// own polling), fetches and locks one task itself, runs the real handler — the side effect
// happens — and is killed before it can complete the task. The engine must hand the task to
// another worker once the lock runs out, and the handler must not do its effect twice.
//
//   node test/fault/support/crashing-worker.mjs <service> <topic> <businessKey> <lockMs>
//
// Run with the stack's environment (.stack/env.json). Prints one line
// `CRASH-WORKER {"taskId",…,"output"}` on stdout, then SIGKILLs itself.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(join(ROOT, 'package.json'));
const [service, topic, businessKey, lockMs = '3000'] = process.argv.slice(2);
if (!service || !topic || !businessKey) {
  console.error('usage: crashing-worker.mjs <service> <topic> <businessKey> [lockMs]');
  process.exit(2);
}
process.env.WORKER_ENABLED = 'false';

const { NestFactory, DiscoveryService } = require('@nestjs/core');
const { TaskHandler } = require('@otus/common');
const { AppModule } = require(join(ROOT, `services/${service}/dist/app.module.js`));
const engineUrl = process.env.CAMUNDA_REST_URL;
// The service's own engine account, as its worker logs in (packages/common engine-credentials).
const engineAuth = `Basic ${Buffer.from(`${service}Service:${process.env[`${service.toUpperCase()}_ENGINE_PASSWORD`]}`).toString('base64')}`;

async function engine(path, body) {
  const response = await fetch(`${engineUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: engineAuth },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** REST variables → plain values, as the task client's `variables.getAll()` gives them to the runner. */
function plain(variables) {
  return Object.fromEntries(
    Object.entries(variables).map(([name, { type, value }]) => [
      name,
      type === 'Json' && typeof value === 'string' ? JSON.parse(value) : value,
    ]),
  );
}

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
const discovery = app.get(DiscoveryService);
const wrapper = discovery
  .getProviders({ metadataKey: TaskHandler.KEY })
  .find((w) => discovery.getMetadataByDecorator(TaskHandler, w) === topic);
if (!wrapper) throw new Error(`${service} has no handler for ${topic}`);
const handler = wrapper.instance;

const deadline = Date.now() + 30_000;
let task;
while (!task && Date.now() < deadline) {
  [task] = await engine('/external-task/fetchAndLock', {
    workerId: `fault-crashing-worker-${process.pid}`,
    maxTasks: 1,
    asyncResponseTimeout: 2_000,
    topics: [{ topicName: topic, lockDuration: Number(lockMs), businessKey, localVariables: false }],
  });
}
if (!task) throw new Error(`no ${topic} task for ${businessKey} within 30 s`);

const output = await handler.handle(handler.input.parse(plain(task.variables)), {
  id: task.id,
  topicName: task.topicName,
  processInstanceId: task.processInstanceId,
  activityInstanceId: task.activityInstanceId,
  businessKey: task.businessKey,
  retries: task.retries,
});
process.stdout.write(
  `CRASH-WORKER ${JSON.stringify({
    taskId: task.id,
    activityId: task.activityId,
    workerId: task.workerId,
    lockExpirationTime: task.lockExpirationTime,
    output,
  })}\n`,
  // The effect is done and reported: die now, without `complete` and without a graceful shutdown.
  () => process.kill(process.pid, 'SIGKILL'),
);
