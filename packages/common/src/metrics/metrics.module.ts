import { createServer, type Server } from 'node:http';
import {
  type DynamicModule,
  Injectable,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

/**
 * `/metrics` (process metrics, HTTP RED metrics, every metric a feature registers) on a port of
 * its own, `<SERVICE>_METRICS_PORT`, which only Prometheus is given: the service's API port has
 * no `/metrics`, so no route of the gateway can reach it, whatever the spelling.
 * Started by bootstrapService; in-process test apps share the default registry and start none.
 */
@Injectable()
export class MetricsServer implements OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  async listen(port: number, host: string): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      register.metrics().then(
        (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
        (e: unknown) => {
          this.logger.error({ err: e }, 'metrics not collected');
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject).listen(port, host, resolve);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

@Module({})
export class MetricsModule implements NestModule {
  static forRoot(service: string): DynamicModule {
    register.setDefaultLabels({ service });
    // Once per process: several test apps in one process share the default registry.
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
    return { module: MetricsModule, providers: [MetricsServer], exports: [MetricsServer] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*splat}');
  }
}
