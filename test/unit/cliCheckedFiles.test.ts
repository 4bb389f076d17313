import { strict as assert } from 'node:assert';
import { matchPattern } from '../../src/core/sshConfig/model';
import type { IncludeFiles } from '../../src/core/sshConfig/includes';
import { filesCheckedBySsh, includeContextFor, isUserFile } from '../../src/node/configFiles';

/** In-memory files under a root that does not exist on disk (so realpath falls back to the path itself). */
function memory(files: Record<string, string>): IncludeFiles {
  return { glob: (p) => Object.keys(files).filter((f) => matchPattern(f, p)).sort(), read: (p) => files[p] };
}

const R = '/nonexistent-lifeline-root';

describe('cli: files whose permissions ssh checks', () => {
  it('~/.ssh/config, what it includes (relative to ~/.ssh), and what /etc/ssh/ssh_config includes — not ssh_config itself', () => {
    const files = memory({
      [`${R}/home/.ssh/config`]: 'Include conf.d/*.conf\nHost x\n  Include ~/.ssh/nested\n',
      [`${R}/home/.ssh/conf.d/a.conf`]: 'Include deeper\n',
      [`${R}/home/.ssh/deeper`]: 'User d\n',
      [`${R}/home/.ssh/nested`]: 'User n\n',
      [`${R}/home/.ssh/unrelated`]: 'User u\n',
      [`${R}/etc/ssh/ssh_config`]: `Include ${R}/etc/ssh/ssh_config.d/*.conf\n`,
      [`${R}/etc/ssh/ssh_config.d/10.conf`]: 'User s\n',
    });
    const checked = filesCheckedBySsh({ home: `${R}/home`, env: {} }, files, `${R}/etc/ssh/ssh_config`);
    assert.deepEqual([...checked].sort(), [
      `${R}/etc/ssh/ssh_config.d/10.conf`,
      `${R}/home/.ssh/conf.d/a.conf`,
      `${R}/home/.ssh/config`,
      `${R}/home/.ssh/deeper`,
      `${R}/home/.ssh/nested`,
    ]);
  });

  it('stops at include loops', () => {
    const files = memory({ [`${R}/home/.ssh/config`]: 'Include a\n', [`${R}/home/.ssh/a`]: 'Include config\n' });
    assert.deepEqual([...filesCheckedBySsh({ home: `${R}/home`, env: {} }, files, `${R}/none`)].sort(), [`${R}/home/.ssh/a`, `${R}/home/.ssh/config`]);
  });

  it('files under ~/.ssh are user files (relative Includes under ~/.ssh), others system files', () => {
    assert.equal(isUserFile('/home/u/.ssh/config', '/home/u'), true);
    assert.equal(isUserFile('/home/u/.ssh/conf.d/x', '/home/u'), true);
    assert.equal(isUserFile('/home/u/.sshx/config', '/home/u'), false);
    assert.equal(isUserFile('/etc/ssh/ssh_config', '/home/u'), false);
    const ctx = includeContextFor('/home/u/.ssh/config', { home: '/home/u', env: { A: 'b' } });
    assert.deepEqual({ ...ctx, files: undefined }, { files: undefined, path: '/home/u/.ssh/config', home: '/home/u', env: { A: 'b' }, userFile: true });
  });
});
