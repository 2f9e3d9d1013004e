import { bootstrapService } from '@otus/common';
import { AppModule } from './app.module';

void bootstrapService(AppModule, 'PROMO_PORT');
