/**
 * Semantic-patch instructions from the command line: `-f file.json|yaml` (`-f -` for stdin) holding
 * a list of instructions or `{instructions, comment?, environmentKey?}`, and/or `--instruction '{…}'`
 * repeated. The CLI checks only the shape (objects with a `kind`); the server validates the rest
 * and answers with the instruction's index when it refuses one.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { components } from '../../openapi/schema';
import { optionalString, strings } from './args';
import { CliUsageError } from './cli-errors';
import type { CliArgs } from './command';

export type Instruction = components['schemas']['PatchFlagDto']['instructions'][number];

export interface InstructionInput {
  instructions: Instruction[];
  comment?: string;
  environmentKey?: string;
}

export function readInstructions(args: CliArgs): InstructionInput {
  const file = optionalString(args, 'file');
  const fromFile: InstructionInput = file === undefined ? { instructions: [] } : fromDocument(readDocument(file), file);
  const inline = strings(args, 'instruction').map((text, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CliUsageError(`--instruction #${i + 1} is not JSON: ${(error as Error).message}`);
    }
    return asInstruction(parsed, `--instruction #${i + 1}`);
  });
  const instructions = [...fromFile.instructions, ...inline];
  if (instructions.length === 0)
    throw new CliUsageError('no instructions: pass -f <file> or --instruction \'{"kind":…}\'');
  return { ...fromFile, instructions };
}

export function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliUsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CliUsageError(
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML/JSON'}: ${(error as Error).message}`,
    );
  }
}

function fromDocument(document: unknown, file: string): InstructionInput {
  if (Array.isArray(document)) return { instructions: document.map((d, i) => asInstruction(d, `${file} [${i}]`)) };
  if (typeof document === 'object' && document !== null && Array.isArray((document as InstructionInput).instructions)) {
    const { instructions, comment, environmentKey } = document as InstructionInput;
    return {
      instructions: instructions.map((d, i) => asInstruction(d, `${file} instructions[${i}]`)),
      ...(typeof comment === 'string' ? { comment } : {}),
      ...(typeof environmentKey === 'string' ? { environmentKey } : {}),
    };
  }
  throw new CliUsageError(`${file} must hold a list of instructions or {"instructions": […]}`);
}

function asInstruction(value: unknown, where: string): Instruction {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    typeof (value as { kind?: unknown }).kind !== 'string'
  ) {
    throw new CliUsageError(`${where} is not an instruction: an object with a "kind" is expected`);
  }
  return value as Instruction;
}
