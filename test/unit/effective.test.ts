import { strict as assert } from 'node:assert';
import {
  deadLinkAfter,
  effectiveLensTitle,
  effectiveLensTooltip,
  effectiveValuesGate,
  isValidHostArgument,
  ownConfigFiles,
  parseSshG,
  sshdValidationGate,
  summarizeEffective,
  type EffectiveGateInput,
} from '../../src/core/sshConfig/effective';
import type { IncludeFiles } from '../../src/core/sshConfig/includes';

/** The top of what OpenSSH 9.2 prints for `ssh -G -F file -- prod` (trimmed; the real thing has ~80 lines). */
const sshG92 = [
  'host prod',
  'user deploy',
  'hostname prod.example.com',
  'port 22',
  'addressfamily any',
  'batchmode no',
  'tcpkeepalive yes',
  'serveralivecountmax 4',
  'serveraliveinterval 30',
  'identityfile ~/.ssh/id_rsa',
  'identityfile ~/.ssh/id_ed25519',
  'globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2',
  'connecttimeout none',
  'ipqos lowdelay throughput',
  '',
].join('\n');

describe('effective values from ssh -G', () => {
  describe('parseSshG', () => {
    it('reads one keyword and value per line, keeping repeated keywords in order', () => {
      const options = parseSshG(sshG92);
      assert.deepEqual(options.get('serveraliveinterval'), ['30']);
      assert.deepEqual(options.get('identityfile'), ['~/.ssh/id_rsa', '~/.ssh/id_ed25519']);
      assert.deepEqual(options.get('globalknownhostsfile'), ['/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2']);
      assert.deepEqual(options.get('ipqos'), ['lowdelay throughput']);
      assert.equal(options.has(''), false);
    });

    it('accepts CRLF output and lower-cases keywords (ssh -G prints canonicalizePermittedcnames in mixed case)', () => {
      const options = parseSshG('host a\r\ncanonicalizePermittedcnames none\r\n');
      assert.deepEqual(options.get('host'), ['a']);
      assert.deepEqual(options.get('canonicalizepermittedcnames'), ['none']);
    });
  });

  describe('deadLinkAfter', () => {
    it('is interval × count, up to one interval more', () => {
      assert.deepEqual(deadLinkAfter(30, 4), { seconds: 120, upToSeconds: 150 });
      assert.deepEqual(deadLinkAfter(15, 3), { seconds: 45, upToSeconds: 60 });
    });

    it('with ServerAliveCountMax 0 gives up at the first check (count 1 > 0)', () => {
      assert.deepEqual(deadLinkAfter(20, 0), { seconds: 20, upToSeconds: 20 });
    });

    it('is undefined when keepalives are off or the numbers are nonsense', () => {
      assert.equal(deadLinkAfter(0, 3), undefined);
      assert.equal(deadLinkAfter(Number.NaN, 3), undefined);
      assert.equal(deadLinkAfter(30, -1), undefined);
    });
  });

  describe('lens title', () => {
    it('shows the keepalive arithmetic, the connect timeout and where ssh goes', () => {
      assert.equal(
        effectiveLensTitle(summarizeEffective(parseSshG(sshG92))),
        'ServerAliveInterval 30 × ServerAliveCountMax 4 → a dead link is noticed after ≈ 2 min · ConnectTimeout none · HostName prod.example.com User deploy Port 22',
      );
    });

    it('says when only TCP would notice, and when nothing would', () => {
      const base = 'host x\nhostname x\nuser u\nport 2222\nserveraliveinterval 0\nserveralivecountmax 3\nconnecttimeout 10\n';
      assert.equal(
        effectiveLensTitle(summarizeEffective(parseSshG(`${base}tcpkeepalive yes\n`))),
        'no keepalive: a dead link is noticed only by TCP (hours) · ConnectTimeout 10 · HostName x User u Port 2222',
      );
      assert.match(effectiveLensTitle(summarizeEffective(parseSshG(`${base}tcpkeepalive no\n`))), /^no keepalive and TCPKeepAlive no: a dead link is never noticed · /);
    });

    it('names a ProxyJump and a ProxyCommand', () => {
      const title = effectiveLensTitle(summarizeEffective(parseSshG('host a\nhostname a\nport 22\nproxyjump bastion\nproxycommand nc %h %p\n')));
      assert.match(title, /HostName a Port 22 ProxyJump bastion via ProxyCommand$/);
    });

    it('the tooltip names the command and the range of the detection time', () => {
      const tooltip = effectiveLensTooltip(summarizeEffective(parseSshG(sshG92)), "ssh -G -F '/home/u/.ssh/work config' -- prod");
      assert.match(tooltip, /from ssh -G -F '\/home\/u\/\.ssh\/work config' -- prod on the file as saved/);
      assert.match(tooltip, /after 2 min to 2 min 30 s of silence/);
      assert.match(tooltip, /ConnectTimeout none: .*\(about 2 min on Linux\)/);
    });
  });

  describe('isValidHostArgument (what may follow `ssh -G --`)', () => {
    it('accepts ordinary names, wildcard-filled samples and IPv6 literals', () => {
      for (const host of ['prod', 'prod.example.com', 'x.internal', 'lifeline-sample', '10.0.0.1', '::1', 'fe80::1%eth0', 'host_1', 'ä.example']) {
        assert.equal(isValidHostArgument(host), true, host);
      }
    });

    it('refuses what ssh refuses: a leading dash, shell metacharacters, commas, whitespace, control characters', () => {
      for (const host of ['', '-oProxyCommand=x', "a'b", 'a"b', 'a`b', 'a$b', 'a\\b', 'a;b', 'a&b', 'a<b', 'a>b', 'a|b', 'a(b', 'a)b', 'a{b', 'a}b', 'a,b', 'a b', 'a\tb', 'a\nb', 'a\u0000b', 'a\u007fb']) {
        assert.equal(isValidHostArgument(host), false, JSON.stringify(host));
      }
    });

    it('refuses what ssh would read as a user or a URI (the options shown would be for another name)', () => {
      assert.equal(isValidHostArgument('root@prod'), false);
      assert.equal(isValidHostArgument('ssh://prod:2222'), false);
    });
  });
});

describe('when OpenSSH may run on a document', () => {
  const trustedOwn: EffectiveGateInput = { trusted: true, enabled: true, scheme: 'file', languageId: 'ssh_config', isOwnConfig: () => Promise.resolve(true) };

  it('ssh -G: allowed for the user’s own saved ssh_config in a trusted workspace', async () => {
    assert.equal(await effectiveValuesGate(trustedOwn), undefined);
  });

  it('ssh -G: never in an untrusted workspace, and the file is not even looked at', async () => {
    let asked = 0;
    const refusal = await effectiveValuesGate({
      ...trustedOwn,
      trusted: false,
      isOwnConfig: () => {
        asked++;
        return Promise.resolve(true);
      },
    });
    assert.equal(refusal, 'untrusted');
    assert.equal(asked, 0);
  });

  it('ssh -G: never for another ssh_config in a trusted workspace, nor unsaved buffers, nor when switched off', async () => {
    assert.equal(await effectiveValuesGate({ ...trustedOwn, isOwnConfig: () => Promise.resolve(false) }), 'not-own-config');
    assert.equal(await effectiveValuesGate({ ...trustedOwn, scheme: 'untitled' }), 'not-a-file');
    assert.equal(await effectiveValuesGate({ ...trustedOwn, languageId: 'sshd_config' }), 'wrong-language');
    assert.equal(await effectiveValuesGate({ ...trustedOwn, enabled: false }), 'disabled');
  });

  it('sshd -t: only trusted, enabled, sshd_config files', () => {
    const ok = { trusted: true, enabled: true, scheme: 'file', languageId: 'sshd_config' };
    assert.equal(sshdValidationGate(ok), undefined);
    assert.equal(sshdValidationGate({ ...ok, trusted: false }), 'untrusted');
    assert.equal(sshdValidationGate({ ...ok, enabled: false }), 'disabled');
    assert.equal(sshdValidationGate({ ...ok, scheme: 'untitled' }), 'not-a-file');
    assert.equal(sshdValidationGate({ ...ok, languageId: 'ssh_config' }), 'wrong-language');
  });
});

describe('ownConfigFiles', () => {
  /** An in-memory file system with a glob that understands a trailing `*.conf`. */
  function memoryFiles(files: Record<string, string>): IncludeFiles & { reads: string[] } {
    const reads: string[] = [];
    return {
      reads,
      read(path) {
        reads.push(path);
        return files[path];
      },
      glob(pattern) {
        if (pattern.endsWith('*.conf')) {
          const dir = pattern.slice(0, -'*.conf'.length);
          return Object.keys(files)
            .filter((f) => f.startsWith(dir) && f.endsWith('.conf') && !f.slice(dir.length).includes('/'))
            .sort();
        }
        return files[pattern] === undefined ? [] : [pattern];
      },
    };
  }
  const ctx = { home: '/home/u', env: { DOTFILES: '/home/u/dotfiles' } };
  const roots = [
    { path: '/home/u/.ssh/config', userFile: true },
    { path: '/etc/ssh/ssh_config', userFile: false },
  ];

  it('follows Includes from ~/.ssh/config and /etc/ssh/ssh_config, relative ones under ~/.ssh and /etc/ssh respectively', () => {
    const files = memoryFiles({
      '/home/u/.ssh/config': 'Include work.conf\nHost x\n  Include ${DOTFILES}/ssh/*.conf\n',
      '/home/u/.ssh/work.conf': 'Include ~/other/deep\n',
      '/home/u/other/deep': 'Host deep\n',
      '/home/u/dotfiles/ssh/a.conf': '',
      '/home/u/dotfiles/ssh/b.conf': '',
      '/etc/ssh/ssh_config': 'Include ssh_config.d/*.conf\n',
      '/etc/ssh/ssh_config.d/20-debian.conf': '',
      '/home/u/project/.ssh/config': 'Match exec "touch /tmp/pwned"\n',
    });
    assert.deepEqual([...ownConfigFiles(roots, files, ctx)].sort(), [
      '/etc/ssh/ssh_config',
      '/etc/ssh/ssh_config.d/20-debian.conf',
      '/home/u/.ssh/config',
      '/home/u/.ssh/work.conf',
      '/home/u/dotfiles/ssh/a.conf',
      '/home/u/dotfiles/ssh/b.conf',
      '/home/u/other/deep',
    ]);
  });

  it('stops at loops and missing files', () => {
    const files = memoryFiles({ '/home/u/.ssh/config': 'Include ~/.ssh/config\nInclude /nope\n' });
    assert.deepEqual([...ownConfigFiles(roots, files, ctx)], ['/home/u/.ssh/config']);
    assert.equal(files.reads.filter((r) => r === '/home/u/.ssh/config').length, 1);
  });
});
