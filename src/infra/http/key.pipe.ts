import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { KEY_PATTERN } from './validators';

/** Path parameters that are keys are checked like body keys, so a bad key is a 400, not a 404. */
@Injectable()
export class KeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!KEY_PATTERN.test(value))
      throw new DomainError(
        'request/invalid_key',
        `'${value.slice(0, 64)}' is not a valid key (^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$)`,
      );
    return value;
  }
}
