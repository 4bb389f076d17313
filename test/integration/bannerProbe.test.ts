import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { probeBanner } from '../../src/node/probe/bannerProbe';
import { freePort, startSshd, type SshdFixture } from '../fixtures/sshd';

interface TestServer {
  readonly port: number;
  /** Resolves when the server side of the first connection has closed. */
  readonly firstClosed: Promise<void>;
  close(): Promise<void>;
}

/** A plain TCP server on 127.0.0.1 that runs `onConnection` for each client. */
async function tcpServer(onConnection: (s: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let markClosed: () => void = () => undefined;
  const firstClosed = new Promise<void>((r) => {
    markClosed = r;
  });
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      markClosed();
    });
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  assert.ok(addr !== null && typeof addr === 'object');
  return {
    port: addr.port,
    firstClosed,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => r());
      }),
  };
}

/** Writes `chunk` for as long as the peer reads, until the socket closes. */
function floodWith(s: Socket, chunk: string): void {
  const pump = (): void => {
    while (!s.destroyed && s.write(chunk)) {
      // keep the kernel buffer full
    }
  };
  s.on('drain', pump);
  pump();
}

describe('banner probe against real servers', function () {
  let sshd: SshdFixture | undefined;
  const servers: TestServer[] = [];

  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('reads the identification line of the real sshd: OpenSSH, protocol 2.0', async () => {
    assert.ok(sshd);
    const r = await probeBanner({ host: '127.0.0.1', port: sshd.port, timeoutMs: 5000 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.banner.software, /^OpenSSH_/);
    assert.equal(r.banner.protoVersion, '2.0');
    assert.deepEqual(r.banner.preBannerLines, []);
    assert.ok(r.connectMs >= 0 && r.bannerMs >= 0);
    console.log(`      ${r.banner.software} ${r.banner.comments ?? ''}: connect ${r.connectMs.toFixed(1)} ms, banner ${r.bannerMs.toFixed(1)} ms`);
  });

  it('returns the lines a server sends before its identification line, escaped', async () => {
    const srv = await tcpServer((s) => s.write('Hello\r\n\x1b[2Jcleared?\r\nSSH-2.0-Test_1.0 hi\r\n'));
    servers.push(srv);
    const r = await probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.banner.preBannerLines, ['Hello', '\\x1b[2Jcleared?']);
    assert.equal(r.banner.software, 'Test_1.0');
    assert.equal(r.banner.comments, 'hi');
  });

  it('[F6] gives up with a protocol error at the 8 KiB bound on a server that sends one endless line, and closes the socket', async () => {
    const srv = await tcpServer((s) => floodWith(s, 'junk'.repeat(4096)));
    servers.push(srv);
    const t0 = performance.now();
    const r = await probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 20_000 });
    const elapsed = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'protocol');
    assert.match(!r.ok ? r.message : '', /8192 bytes/);
    // Well before the timeout: the bound, not the clock, ended it.
    assert.ok(elapsed < 10_000, `${elapsed} ms`);
    await srv.firstClosed;
    console.log(`      endless line: protocol error after ${elapsed.toFixed(0)} ms`);
  });

  it('[F6] gives up with a protocol error on a server that sends short junk lines forever', async () => {
    const srv = await tcpServer((s) => floodWith(s, 'x\r\n'.repeat(1000)));
    servers.push(srv);
    const r = await probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 20_000 });
    assert.equal(!r.ok && r.reason, 'protocol');
    assert.match(!r.ok ? r.message : '', /more than 1024 lines/);
    await srv.firstClosed;
  });

  it('[F6] answers protocol for an HTTP server that closes after its reply', async () => {
    const srv = await tcpServer((s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    servers.push(srv);
    const r = await probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000 });
    assert.equal(!r.ok && r.reason, 'protocol');
    assert.match(!r.ok ? r.message : '', /closed after \d+ bytes/);
  });

  it('[F2,F6] times out on a server that accepts and never sends, and closes the socket', async () => {
    const srv = await tcpServer(() => undefined);
    servers.push(srv);
    const t0 = performance.now();
    const r = await probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 400 });
    const elapsed = performance.now() - t0;
    assert.equal(!r.ok && r.reason, 'timeout');
    assert.match(!r.ok ? r.message : '', /sent no SSH identification line within 400 ms/);
    assert.ok(elapsed >= 350, `${elapsed} ms`);
    await srv.firstClosed;
  });

  it('[F6] answers refused for a closed port', async () => {
    const port = await freePort();
    const r = await probeBanner({ host: '127.0.0.1', port, timeoutMs: 5000 });
    assert.equal(!r.ok && r.reason, 'refused');
    assert.match(!r.ok ? r.message : '', /ECONNREFUSED/);
  });

  it('answers other, at once, when cancelled before or during the probe', async () => {
    const srv = await tcpServer(() => undefined);
    servers.push(srv);
    const before = await probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 5000, signal: AbortSignal.abort() });
    assert.equal(!before.ok && before.reason, 'other');
    const controller = new AbortController();
    const pending = probeBanner({ host: '127.0.0.1', port: srv.port, timeoutMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const during = await pending;
    assert.equal(!during.ok && during.reason, 'other');
    assert.match(!during.ok ? during.message : '', /cancelled/);
    await srv.firstClosed;
  });

  it('answers other for an invalid port instead of throwing', async () => {
    const r = await probeBanner({ host: '127.0.0.1', port: 70000, timeoutMs: 1000 });
    assert.equal(!r.ok && r.reason, 'other');
  });
});
