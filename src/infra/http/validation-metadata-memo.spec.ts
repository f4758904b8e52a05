import { IsInt, IsString, MaxLength, validateSync, type ValidationError } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-memo';

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true };
const failures = (errors: ValidationError[]) =>
  errors
    .map(
      (e) =>
        `${e.property}: ${Object.keys(e.constraints ?? {})
          .sort()
          .join(',')}`,
    )
    .sort();
const of = <T extends object>(cls: new () => T, fields: Record<string, unknown>) => Object.assign(new cls(), fields);

class Base {
  @IsString() @MaxLength(3) key!: string;
}
class Child extends Base {
  @IsInt() count!: number;
}

describe('memoizeValidationMetadata', () => {
  beforeAll(() => memoizeValidationMetadata());

  it('validates as class-validator does: own and inherited rules, unknown properties refused', () => {
    for (let round = 0; round < 2; round++) {
      expect(failures(validateSync(of(Child, { key: 'long', count: 'x', extra: 1 }), OPTIONS))).toEqual([
        'count: isInt',
        'extra: whitelistValidation',
        'key: maxLength',
      ]);
      expect(validateSync(of(Child, { key: 'ok', count: 2 }), OPTIONS)).toEqual([]);
      expect(failures(validateSync(of(Base, { key: 'ok', count: 2 }), OPTIONS))).toEqual([
        'count: whitelistValidation',
      ]);
    }
  });

  it('sees a rule registered after a class was looked up', () => {
    class Late {
      @IsString() name!: string;
      size!: unknown;
    }
    expect(failures(validateSync(of(Late, { name: 'n' }), OPTIONS))).toEqual([]);
    IsInt()(Late.prototype, 'size');
    expect(failures(validateSync(of(Late, { name: 'n', size: 'big' }), OPTIONS))).toEqual(['size: isInt']);
  });
});
