import { stackEnv } from '@otus/testing';

// e2e specs boot real AppModules in-process next to the stack; they need the stack's settings
// before the modules are imported, because each module validates its environment when declared.
for (const [key, value] of Object.entries(stackEnv())) process.env[key] ??= value;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'warn';
// In-process workers long-poll briefly, so a closed test app leaves no request open for long.
process.env.WORKER_LONG_POLL_MS ??= '1000';
