#!/usr/bin/env node
// Makes sure this machine has what a tier needs before it runs: Debian packages
// (installed with apt-get when running as root, otherwise named in an error) and
// the project's npm dependencies. Uses only Node's standard library, so it
// works before `npm ci`.
//
//   node scripts/ensureSystem.mjs <integration|vscode|faults|playground|test|bench>...
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** binary → Debian package that provides it */
const provides = {
  '/usr/sbin/sshd': 'openssh-server',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  tmux: 'tmux',
  screen: 'screen',
  ps: 'procps',
  chromium: 'chromium',
  rg: 'ripgrep',
  'g++': 'g++',
  make: 'make',
  python3: 'python3',
  ip: 'iproute2',
  ss: 'iproute2',
  tc: 'iproute2',
  iptables: 'iptables',
  autossh: 'autossh',
  mosh: 'mosh',
  'vim.tiny': 'vim-tiny',
  '/usr/bin/time': 'time',
};

const base = ['/usr/sbin/sshd', 'ssh', 'ssh-keygen', 'tmux', 'screen', 'ps'];
const vscodeServer = ['rg', 'g++', 'make', 'python3'];
const tiers = {
  // ss: the session socket probe's test; iptables: the reattach tests (integration, vscode) black-hole the fixture's port;
  // vim.tiny: the vscode tier's foreground test runs vim in a terminal the reattacher must not type into.
  integration: [...base, 'ss', 'iptables'],
  vscode: [...base, ...vscodeServer, 'chromium', 'iptables', 'vim.tiny'],
  faults: [...base, 'ip', 'tc', 'iptables'],
  playground: [...base, ...vscodeServer],
  // bench: the peers (autossh, mosh), the faults topology, GNU time for peak RSS, and the
  // VS Code server + chromium for the overhead scenario and for drawing the chart.
  bench: [...base, ...vscodeServer, 'chromium', 'ip', 'tc', 'iptables', 'autossh', 'mosh', '/usr/bin/time'],
};
tiers.test = [...new Set([...tiers.integration, ...tiers.vscode, ...tiers.faults])];

function have(bin) {
  if (bin.startsWith('/')) {
    try {
      accessSync(bin, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  return spawnSync('sh', ['-c', `command -v '${bin}'`], { stdio: 'ignore' }).status === 0;
}

function ensurePackages(wanted) {
  const missing = [...new Set(wanted.filter((bin) => !have(bin)).map((bin) => provides[bin]))];
  if (missing.length === 0) {
    return;
  }
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !have('apt-get')) {
    console.error(`Missing system packages: ${missing.join(' ')}\nInstall them first, e.g.: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`[setup] apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) {
    return;
  }
  console.log('[setup] npm ci');
  execFileSync('npm', ['ci'], { cwd: root, stdio: 'inherit' });
}

const requested = process.argv.slice(2);
for (const tier of requested) {
  if (!(tier in tiers)) {
    console.error(`ensureSystem: unknown tier '${tier}' (expected one of ${Object.keys(tiers).join(', ')})`);
    process.exit(2);
  }
}
ensurePackages(requested.flatMap((tier) => tiers[tier]));
ensureNodeModules();
