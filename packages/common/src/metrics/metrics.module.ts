import { Controller, DynamicModule, Get, MiddlewareConsumer, Module, NestModule, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController, PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

@Public()
@ApiExcludeController()
@Controller()
class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: Response) {
    return super.index(response);
  }
}

/** `/metrics` with process metrics, HTTP RED metrics and every metric a feature registers. */
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
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
