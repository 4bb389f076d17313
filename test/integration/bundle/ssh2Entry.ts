// Bundled with the extension's esbuild options by build.test.ts, then run in a
// child process: proves ssh2 works with its optional native modules left out.
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';

const [host, port, user, identity, knownHosts] = process.argv.slice(2) as [string, string, string, string, string];
const expected = readFileSync(knownHosts, 'utf8').trim().split(/\s+/)[2];
const client = new Client();
client
  .on('ready', () => {
    client.exec('printf bundled-ok', (err, stream) => {
      if (err) {
        throw err;
      }
      let out = '';
      stream.on('data', (d: Buffer) => (out += d.toString()));
      stream.on('close', () => {
        process.stdout.write(out);
        client.end();
      });
    });
  })
  .on('error', (err) => {
    process.stderr.write(`ssh2 error: ${err.message}\n`);
    process.exitCode = 1;
  })
  .connect({
    host,
    port: Number(port),
    username: user,
    privateKey: readFileSync(identity),
    hostVerifier: (key: Buffer) => key.toString('base64') === expected,
    readyTimeout: 10_000,
  });
