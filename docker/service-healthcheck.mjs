// HEALTHCHECK of the service images (see the Dockerfile): GET /health/live on the service's
// own port (<SERVICE>_PORT, else the service's default). Node's fetch, because the slim image
// has no curl or wget. Exit code 0 = healthy, 1 = not.
const DEFAULT_PORTS = { user: 3001, contract: 3002, course: 3003, promo: 3004, notification: 3005 };

const service = process.env.SERVICE ?? '';
const port = process.env[`${service.toUpperCase()}_PORT`] || DEFAULT_PORTS[service];
if (!port) {
  console.error(`healthcheck: unknown service "${service}" and no ${service.toUpperCase()}_PORT`);
  process.exit(1);
}

try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2_500) });
  if (!response.ok) console.error(`healthcheck: /health/live answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (e) {
  console.error(`healthcheck: ${e.message}`);
  process.exit(1);
}
