import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');

async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('layer boundaries (npm run lint)', function () {
  this.timeout(60_000);

  it('fails when src/core imports vscode', async () => {
    const messages = await lint('src/core/example.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
  });

  for (const mod of ['child_process', 'node:net', 'fs', 'node:fs/promises', 'ssh2']) {
    it(`fails when src/core imports ${mod}`, async () => {
      const messages = await lint('src/core/example.ts', `import * as m from '${mod}';\nexport const x = m;\n`);
      assert.ok(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
    });
  }

  it('fails when src/core reads the clock or sets a timer directly', async () => {
    const messages = await lint('src/core/example.ts', 'export const t = Date.now();\nsetTimeout(() => undefined, 1);\n');
    assert.ok(messages.some((m) => m.startsWith('no-restricted-properties')), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('no-restricted-globals')), messages.join('\n'));
  });

  it('fails when src/node imports vscode, and allows it in src/vscode', async () => {
    const code = "import * as vscode from 'vscode';\nexport const x = vscode;\n";
    assert.ok((await lint('src/node/example.ts', code)).some((m) => m.startsWith('no-restricted-imports')));
    assert.deepEqual(await lint('src/vscode/example.ts', code), []);
  });

  it('accepts a pure core module', async () => {
    assert.deepEqual(await lint('src/core/example.ts', 'export const add = (a: number, b: number): number => a + b;\n'), []);
  });
});
