import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { shellQuote } from '../../src/core/reattach/names';
import { persistentArgs, relaunchArgs } from '../../src/core/reattach/relaunch';
import { commandLineUserAndPort, flagCount, isValidCommandLineHost, lastOption, parseDestination, parseSshArgs, parseUserHostPort, type SshOption } from '../../src/core/sshArgs/parse';
import { detectMultiplexer, shellWords } from '../../src/core/sshArgs/remoteCommand';
import { fuzzIt } from './fuzz';

// ---------------------------------------------------------------- arbitraries

const flagWords = ['-t', '-tt', '-v', '-vvv', '-N', '-f', '-T', '-A', '-a', '-4', '-6', '-1', '-2', '-G', '-V', '-q', '-n', '-s', '-C', '-K', '-k', '-M', '-X', '-x', '-Y', '-y', '-g'];
const withArgWords = ['-p', '-p22', '-l', '-lroot', '-o', '-i', '-F', '-J', '-W', '-L', '-R', '-D', '-E', '-O', '-S', '-b', '-c', '-e', '-m', '-w', '-B', '-I', '-P', '-Q'];
const attachedWords = ['-oProxyCommand=touch M', '-oPort=22', '-oUser=bob', '-oServerAliveInterval=15', '-o User alice', '-oRemoteCommand=x', '-oRequestTTY=no', '-vp22', '-tvJ', '-Nf', '-tvJjump', '-Jjump', '-i~/.ssh/id'];
const oddWords = ['-Z', '-tZ', '-h', '-H', '--', '--', '-', '---', '-=', '-o='];
const destinationWords = [
  'host', 'me@host', 'a@b@c', 'ssh://host', 'ssh://bob@host:2222', 'ssh://[::1]:22/', 'ssh://%@h', 'ssh://%41lice@h', 'ssh://%ff@h', 'ssh://%E0%A4%A@h', 'ssh://a;x=y@h',
  'ssh://host:99999', 'ssh://host:0', 'ssh://a/b', 'SSH://H', 'ssh://', 'ssh://@h', '@host', 'user@', '', 'a;b', '$(id)', '-oProxyCommand=x', 'u@-x', '-u@x', '[::1]', 'host:22', 'a b', 'h\n', 'é@ü',
];
const valueWords = ['ServerAliveInterval=15', 'ServerAliveCountMax 4', 'User=alice', 'Port=2222', 'port 2', ' User = x ', 'RemoteCommand=x', 'RequestTTY=no', 'SessionType=none', 'StdinNull yes', '22', 'jump', 'tmux', 'attach', '-t', 'main', 'ls', '-la', 'x'];

const wordArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...flagWords) },
  { weight: 4, arbitrary: fc.constantFrom(...withArgWords) },
  { weight: 2, arbitrary: fc.constantFrom(...attachedWords) },
  { weight: 1, arbitrary: fc.constantFrom(...oddWords) },
  { weight: 4, arbitrary: fc.constantFrom(...destinationWords) },
  { weight: 4, arbitrary: fc.constantFrom(...valueWords) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `-${s}`) },
);

const argvArb = fc.array(wordArb, { maxLength: 12 });

const DROPPED_FLAGS = new Set('fNnTWGVQOs');
const DROPPED_KEYWORDS = new Set(['remotecommand', 'sessiontype', 'stdinnull', 'forkafterauthentication', 'requesttty']);
const keywordOf = (value: string | undefined): string => (/^\s*([^\s=]+)/.exec(value ?? '')?.[1] ?? '').toLowerCase();

const serialise = (options: readonly SshOption[]): string[] => options.flatMap((o) => (o.value === undefined ? [`-${o.flag}`] : [`-${o.flag}`, o.value]));

const REMOTE = "tmux has-session -t '=main' && tmux attach-session -d -t '=main' || tmux new-session -s 'main'";

// ---------------------------------------------------------------- properties

describe('fuzz: ssh argv parser', () => {
  fuzzIt('ssh argv parser', '[F14] never throws; without "--" no word starting with "-" becomes the destination, and one after "--" is a destination ssh refuses', () =>
    fc.property(argvArb, (argv) => {
      const inv = parseSshArgs(argv);
      commandLineUserAndPort(inv);
      lastOption(inv, 'p');
      flagCount(inv, 't');
      assert.ok(inv.command.length <= argv.length);
      assert.ok(inv.optionsBeforeDestination >= 0 && inv.optionsBeforeDestination <= inv.options.length);
      for (const o of inv.options) {
        assert.equal(o.flag.length, 1);
      }
      const d = inv.destination;
      if (d === undefined) {
        assert.deepEqual(inv.command, [], 'a command without a destination');
        return;
      }
      assert.ok(argv.includes(d.raw), 'the destination is not one of the words');
      if (d.raw.length > 1 && d.raw.startsWith('-')) {
        assert.ok(argv.includes('--'), `option word ${JSON.stringify(d.raw)} taken as the destination`);
        assert.ok(!isValidCommandLineHost(d.host) || (d.user ?? '').startsWith('-'), `ssh would accept destination ${JSON.stringify(d.raw)}`);
      }
      if (!d.uri) {
        assert.equal(`${d.user === undefined ? '' : `${d.user}@`}${d.host}`, d.raw, 'user@host does not spell the word');
      } else if (d.port !== undefined) {
        assert.ok(Number.isInteger(d.port) && d.port >= 1 && d.port <= 65535);
      }
    }),
  );

  fuzzIt('ssh argv parser', '[F14] options, "--", the destination and the command written back parse the same', () =>
    fc.property(argvArb, (argv) => {
      const inv = parseSshArgs(argv);
      if (inv.errors.length > 0 || inv.destination === undefined) {
        return;
      }
      const again = parseSshArgs([...serialise(inv.options), '--', inv.destination.raw, ...inv.command]);
      assert.deepEqual(again.errors, []);
      assert.deepEqual(again.options, inv.options);
      assert.deepEqual(again.destination, inv.destination);
      assert.deepEqual(again.command, inv.command);
      assert.deepEqual(again.configOptions, inv.configOptions);
      if (inv.optionsBeforeDestination === inv.options.length) {
        assert.deepEqual(commandLineUserAndPort(again), commandLineUserAndPort(inv));
      }
    }),
  );

  fuzzIt('ssh argv parser', '[F14] a relaunch command line keeps the destination after "--", only options before it, and parses back to the same destination and our command', () =>
    fc.property(argvArb, fc.option(fc.record({ intervalSeconds: fc.integer({ min: 0, max: 100 }), countMax: fc.integer({ min: 0, max: 9 }) }), { nil: undefined }), (argv, keepalive) => {
      const inv = parseSshArgs(argv);
      const r = relaunchArgs(inv, { remoteCommand: REMOTE, ...(keepalive === undefined ? {} : { keepalive }), connectTimeoutSeconds: 10 });
      if (!r.ok) {
        assert.ok(inv.destination === undefined || !isValidCommandLineHost(inv.destination.host) || inv.errors.some((e) => e.startsWith('invalid destination')), `refused a good destination: ${r.message}`);
        return;
      }
      const d = inv.destination;
      assert.ok(d !== undefined && isValidCommandLineHost(d.host));
      // The last three words; an earlier "--" may be an option's value (`-p --`), as getopt reads it.
      assert.deepEqual(r.args.slice(-3), ['--', d.raw, REMOTE], 'not "-- destination command" at the end');
      const head = parseSshArgs(r.args.slice(0, -3));
      assert.equal(head.destination, undefined, `a word before "--" would be read as the destination: ${JSON.stringify(head.destination?.raw)}`);
      assert.deepEqual(head.errors, []);
      const back = parseSshArgs(r.args);
      assert.deepEqual(back.destination, d);
      assert.deepEqual(back.command, [REMOTE]);
      assert.equal(back.optionsBeforeDestination, back.options.length);
      for (const o of back.options) {
        assert.ok(!DROPPED_FLAGS.has(o.flag), `-${o.flag} kept`);
        assert.ok(o.flag !== 'o' || !DROPPED_KEYWORDS.has(keywordOf(o.value)), `-o ${o.value ?? ''} kept`);
      }
      assert.ok(back.options.some((o) => o.flag === 't'), 'no terminal asked for');
    }),
  );

  fuzzIt('ssh argv parser', '[F14] a persistent-terminal command line names exactly the host given, or is refused', () =>
    fc.property(fc.constantFrom(...destinationWords, 'prod', 'a.b-c_d', '10.0.0.1', '::1'), fc.array(wordArb, { maxLength: 5 }), (host, extra) => {
      const r = persistentArgs(host, { remoteCommand: REMOTE, extraOptions: extra });
      if (!r.ok) {
        return;
      }
      assert.ok(isValidCommandLineHost(host));
      const back = parseSshArgs(r.args);
      // ssh may still refuse the host itself (`ssh://host:99999`), but never for an option of ours.
      assert.deepEqual(back.errors.filter((e) => !e.startsWith('invalid destination')), []);
      assert.equal(back.destination?.raw, host);
      assert.deepEqual(back.command, [REMOTE]);
      assert.deepEqual(r.args.slice(-3), ['--', host, REMOTE]);
      assert.equal(parseSshArgs(r.args.slice(0, -3)).destination, undefined);
    }),
  );

  fuzzIt('ssh argv parser', '[F14] ProxyJump hops and destinations: never throw, and a port is always 1–65535', () =>
    fc.property(fc.oneof(fc.constantFrom(...destinationWords), fc.string({ maxLength: 12 }), fc.array(fc.constantFrom('ssh://', 'u', '@', '%', '%4', '%41', ';', ':', '22', '[', ']', '::1', '/', 'h', '-'), { maxLength: 8 }).map((a) => a.join(''))), (word) => {
      for (const parsed of [parseDestination(word), parseUserHostPort(word)]) {
        if (parsed === undefined) {
          continue;
        }
        assert.ok(parsed.host !== '', 'an empty host');
        if (parsed.port !== undefined) {
          assert.ok(Number.isInteger(parsed.port) && parsed.port >= 1 && parsed.port <= 65535, `port ${parsed.port}`);
        }
      }
    }),
  );
});

/** A remote command word: names with spaces, quotes, `$(…)`, `;`, unicode. */
const commandWordArb = fc.oneof(
  fc.constantFrom('tmux', 'screen', 'exec', '/usr/bin/tmux', 'attach', 'a', 'new', 'new-session', '-A', '-s', '-t', '-L', '-S', '-dr', '-DR', 'main', 'my session', "it's", 'x$(touch M);y', '`id`', 'a;b', '"q"', '\\', 'c.d', '=main', 'main:1.0', 'é', ''),
  fc.string({ maxLength: 8 }),
);

describe('fuzz: ssh remote command', () => {
  fuzzIt('ssh remote command', '[F13] shell words: single-quoted words split back to themselves, and a split line splits the same when quoted again', () =>
    fc.property(fc.array(commandWordArb, { maxLength: 8 }), fc.string({ maxLength: 40 }), (words, line) => {
      assert.deepEqual(shellWords(words.map(shellQuote).join(' ')), words);
      const split = shellWords(line);
      if (split !== undefined) {
        assert.deepEqual(shellWords(split.map(shellQuote).join(' ')), split);
      }
    }),
  );

  fuzzIt('ssh remote command', '[F13] a detected tmux/screen session and socket are words of the command, never a part of one', () =>
    fc.property(fc.array(commandWordArb, { maxLength: 8 }), fc.boolean(), (words, quoted) => {
      const command = quoted ? [words.map(shellQuote).join(' ')] : words;
      const mux = detectMultiplexer(command);
      if (mux === undefined) {
        return;
      }
      const split = shellWords(command.join(' '));
      assert.ok(split !== undefined, 'detected in a command it cannot split');
      assert.ok(split.some((w) => /(^|\/)(tmux|screen)$/.test(w)), 'no tmux or screen word');
      if (mux.session !== undefined) {
        assert.ok(split.includes(mux.session), `session ${JSON.stringify(mux.session)} is not a word`);
      }
      if (mux.socket !== undefined) {
        assert.ok(mux.socket.value === '' || split.includes(mux.socket.value), `socket ${JSON.stringify(mux.socket.value)} is not a word`);
      }
    }),
  );
});
