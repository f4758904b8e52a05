import { Injectable } from '@nestjs/common';

/** Time comes from here so tests (and later the scheduler) can substitute a controllable clock. */
@Injectable()
export class ClockService {
  now(): Date {
    return new Date();
  }
}
