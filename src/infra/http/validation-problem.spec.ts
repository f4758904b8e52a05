import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsString, validate, ValidateNested } from 'class-validator';
import { DomainError } from '../../core/errors';
import { validationProblem } from './validation-problem';

class Env {
  @IsString() key!: string;
}
class Body {
  @IsString() name!: string;
  @ValidateNested({ each: true }) @Type(() => Env) environments!: Env[];
}

/** What the global ValidationPipe does with a body (same options), then its exceptionFactory. */
async function refusal(value: object): Promise<DomainError> {
  const errors = await validate(plainToInstance(Body, value), { whitelist: true, forbidNonWhitelisted: true });
  expect(errors.length).toBeGreaterThan(0);
  return validationProblem(errors);
}

describe('validationProblem', () => {
  it('names an unknown property, nested ones by their path', async () => {
    const err = await refusal({ name: 'n', foo: 1, environments: [{ key: 'k', bar: true }] });
    expect(err.code).toBe('request/invalid');
    expect(err.errors).toEqual([
      { field: 'foo', reason: 'unknown property' },
      { field: 'environments.0.bar', reason: 'unknown property' },
    ]);
    expect(err.message).toBe('foo: unknown property; environments.0.bar: unknown property');
  });

  it("keeps the validators' reasons for the other constraints", async () => {
    const err = await refusal({ name: 3, environments: [] });
    expect(err.errors).toEqual([{ field: 'name', reason: 'name must be a string' }]);
  });
});
