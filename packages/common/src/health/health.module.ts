import { Controller, DynamicModule, Get, Inject, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpModule } from '@nestjs/axios';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  HttpHealthIndicator,
  MongooseHealthIndicator,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import type { BaseEnv } from '../config/env';
import { engineAuthHeaders } from '../engine/engine-credentials';
import { SERVICE_NAME } from '../http/service-info.module';

export type DatabaseKind = 'postgres' | 'mongo';

const DATABASE_CHECK = Symbol('DATABASE_CHECK');

@Public()
@ApiExcludeController()
@Controller('health')
class HealthController {
  private readonly engineUrl: string;
  private readonly engineHeaders: Record<string, string>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly http: HttpHealthIndicator,
    config: ConfigService<BaseEnv, true>,
    @Inject(DATABASE_CHECK) private readonly database: HealthIndicatorFunction,
    @Inject(SERVICE_NAME) service: string,
  ) {
    this.engineUrl = `${config.get('CAMUNDA_REST_URL', { infer: true })}/engine`;
    this.engineHeaders = engineAuthHeaders(config, service);
  }

  /** Readiness: the service can do its work only with its database and the engine. */
  @Get()
  @HealthCheck()
  ready() {
    const ping = () => this.http.pingCheck('engine', this.engineUrl, { timeout: 2_000, headers: this.engineHeaders });
    return this.health.check([this.database, ping]);
  }

  /** Liveness: the process answers; a dependency outage must not restart it. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

@Module({})
export class HealthModule {
  static forRoot(database: DatabaseKind): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), HttpModule],
      controllers: [HealthController],
      providers: [
        {
          provide: DATABASE_CHECK,
          inject: database === 'postgres' ? [TypeOrmHealthIndicator] : [MongooseHealthIndicator],
          useFactory: (indicator: TypeOrmHealthIndicator | MongooseHealthIndicator) => () =>
            indicator.pingCheck('database', { timeout: 2_000 }),
        },
      ],
    };
  }
}
