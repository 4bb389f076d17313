import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';

const root = join(__dirname, '..', '..');

let registry: Registry | undefined;
async function grammar(scope: 'source.ssh-config' | 'source.sshd-config'): Promise<IGrammar> {
  if (registry === undefined) {
    await oniguruma.loadWASM(readFileSync(join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer);
    const files: Record<string, string> = {
      'source.ssh-config': 'syntaxes/ssh_config.tmLanguage.json',
      'source.sshd-config': 'syntaxes/sshd_config.tmLanguage.json',
    };
    registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (name: string) => {
        const file = files[name];
        return file === undefined ? null : parseRawGrammar(readFileSync(join(root, file), 'utf8'), join(root, file));
      },
    });
  }
  const g = await registry.loadGrammar(scope);
  assert.ok(g, `grammar ${scope} did not load`);
  return g;
}

/** Tokenizes `text` and returns [token text, innermost scope] pairs, whitespace dropped. */
async function tokens(text: string, scope: 'source.ssh-config' | 'source.sshd-config' = 'source.ssh-config'): Promise<[string, string][]> {
  const g = await grammar(scope);
  let state: StateStack = INITIAL;
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece.trim() !== '') {
        out.push([piece.trim(), t.scopes[t.scopes.length - 1] as string]);
      }
    }
    state = r.ruleStack;
  }
  return out;
}

describe('TextMate grammar', () => {
  it('marks keywords, block headers and their patterns', async () => {
    assert.deepEqual(await tokens('Host prod !bastion *.example.com\n  ServerAliveInterval 30'), [
      ['Host', 'keyword.control.block.ssh-config'],
      ['prod', 'entity.name.tag.pattern.ssh-config'],
      ['!', 'keyword.operator.negation.ssh-config'],
      ['bastion', 'entity.name.tag.pattern.ssh-config'],
      ['*.example.com', 'entity.name.tag.pattern.ssh-config'],
      ['ServerAliveInterval', 'keyword.other.option.ssh-config'],
      ['30', 'constant.numeric.ssh-config'],
    ]);
  });

  it('starts a comment only at the start of a token, as OpenSSH does', async () => {
    assert.deepEqual(await tokens('HostName b#c2 # real comment'), [
      ['HostName', 'keyword.other.option.ssh-config'],
      ['b#c2', 'source.ssh-config'],
      ['# real comment', 'comment.line.number-sign.ssh-config'],
    ]);
    assert.deepEqual(await tokens('  # indented comment'), [['# indented comment', 'comment.line.number-sign.ssh-config']]);
  });

  it('reads "=" separators, quoted strings, % tokens and ${ENV} references', async () => {
    assert.deepEqual(await tokens('IdentityFile="~/.ssh/id %h" ${HOME}/x'), [
      ['IdentityFile', 'keyword.other.option.ssh-config'],
      ['=', 'keyword.operator.assignment.ssh-config'],
      ['"', 'string.quoted.double.ssh-config'],
      ['~/.ssh/id', 'string.quoted.double.ssh-config'],
      ['%h', 'constant.character.escape.token.ssh-config'],
      ['"', 'string.quoted.double.ssh-config'],
      ['${HOME}', 'variable.other.environment.ssh-config'],
      ['/x', 'source.ssh-config'],
    ]);
  });

  it('recognises Match criteria case-insensitively and yes/no values', async () => {
    assert.deepEqual(await tokens('match User backup\n\tPermitTTY no'), [
      ['match', 'keyword.control.block.ssh-config'],
      ['User', 'support.type.criterion.ssh-config'],
      ['backup', 'entity.name.tag.pattern.ssh-config'],
      ['PermitTTY', 'keyword.other.option.ssh-config'],
      ['no', 'constant.language.ssh-config'],
    ]);
  });

  it('gives sshd_config the same lexical rules', async () => {
    assert.deepEqual(await tokens('ClientAliveInterval 60 # s', 'source.sshd-config'), [
      ['ClientAliveInterval', 'keyword.other.option.ssh-config'],
      ['60', 'constant.numeric.ssh-config'],
      ['# s', 'comment.line.number-sign.ssh-config'],
    ]);
  });
});
