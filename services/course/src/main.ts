import { bootstrapService } from '@otus/common';
import { AppModule } from './app.module';

void bootstrapService(AppModule, 'COURSE_PORT');
