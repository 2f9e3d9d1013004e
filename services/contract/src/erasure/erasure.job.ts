import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ContractEnv } from '../config';
import { ErasureService } from './erasure.service';

/** Erases what is past its retention every CONTRACT_ERASURE_CHECK_MS (one pass at a time). */
@Injectable()
export class ErasureJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(ErasureJob.name);
  private running = false;

  constructor(
    private readonly erasure: ErasureService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<ContractEnv, true>,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('CONTRACT_ERASURE_CHECK_MS', { infer: true });
    this.scheduler.addInterval(
      'personal-data-erasure',
      setInterval(() => void this.pass(), every),
    );
  }

  private async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const erased = await this.erasure.eraseDue();
      if (erased > 0) this.logger.log({ erased }, 'applications past their retention erased');
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'erasure pass failed; tried again at the next one');
    } finally {
      this.running = false;
    }
  }
}
