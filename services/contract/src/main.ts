import { bootstrapService } from '@otus/common';
import { AppModule } from './app.module';

void bootstrapService(AppModule, 'CONTRACT_PORT');
