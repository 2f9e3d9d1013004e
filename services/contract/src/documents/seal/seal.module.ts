import { Module } from '@nestjs/common';
import { PdfSealer } from './pdf-sealer';

/** The school's seal on signed contracts; needs the CONTRACT_SEAL_* variables (sealEnv) in the config. */
@Module({
  providers: [PdfSealer],
  exports: [PdfSealer],
})
export class SealModule {}
