import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';

/**
 * The Express app every service runs on, with its routing settings made before Nest adds its
 * first middleware (Express creates its router then, and reads these settings only once).
 * Case-sensitive: `/INTERNAL/…` must not reach `/internal/…`, so the gateway's blocks and the
 * services' routes agree on what a path is (Express matches case-insensitively by default).
 */
export function httpAdapter(): ExpressAdapter {
  return new ExpressAdapter(express().set('case sensitive routing', true));
}
