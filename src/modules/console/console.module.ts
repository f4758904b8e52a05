import { Module } from '@nestjs/common';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { ConsoleController } from './console.controller';
import { ConsoleDirectory, DEFAULT_CONSOLE_DIR } from './console-directory';

/** Serves the approver console (web/, built into dist/web, or GANTRY_CONSOLE_DIR) at /ui. */
@Module({
  controllers: [ConsoleController],
  providers: [
    {
      provide: ConsoleDirectory,
      useFactory: (config: GantryConfig) => new ConsoleDirectory(config.consoleDir ?? DEFAULT_CONSOLE_DIR),
      inject: [GANTRY_CONFIG],
    },
  ],
})
export class ConsoleModule {}
