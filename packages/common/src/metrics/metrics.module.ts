import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

/** `/metrics` with process metrics, HTTP RED metrics and every metric a feature registers. */
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          defaultLabels: { service },
          defaultMetrics: { enabled: true },
        }),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*splat}');
  }
}
