import fs from 'node:fs';
import path from 'node:path';

/**
 * The domain folders of src/modules import each other along a directed acyclic graph: a module
 * reads another through what that one exports (a read model, a writer contract), and never the
 * other way round as well. A loop is how two domains become one without anyone deciding it.
 */
const MODULES = path.join(__dirname);

function importsByFolder(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.spec.ts')) addImports(file);
    }
  };
  const addImports = (file: string) => {
    const from = path.relative(MODULES, file).split(path.sep)[0];
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(MODULES, path.resolve(path.dirname(file), spec));
      if (target.startsWith('..')) continue;
      const to = target.split(path.sep)[0];
      if (to !== from) (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
    }
  };
  walk(MODULES);
  return edges;
}

/** Every cycle's folders, found by depth-first search (colours: visiting / done). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('src/modules folder imports', () => {
  it('form no cycle', () => {
    expect(cycles(importsByFolder()).map((c) => c.join(' → '))).toEqual([]);
  });

  it('are read by this test (a loop made on purpose is found)', () => {
    const edges = new Map([
      ['flags', new Set(['approvals'])],
      ['approvals', new Set(['flags'])],
    ]);
    expect(cycles(edges)).toEqual([['approvals', 'flags', 'approvals']]);
    expect(importsByFolder().get('flags')?.has('accounts')).toBe(true);
  });
});
