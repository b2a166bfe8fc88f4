// The V1_0 handshake, through both real drivers and through raw sockets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { Version } from '../../src/testing/server/protocol.js';
import { MessageReader, RawClient, magic, openSocket, readToClose } from './raw-client.js';

type TcpConnectionCtor = new (
  options: Record<string, unknown>,
  callback: (err: Error | null, conn?: unknown) => void,
) => EventEmitter & { close(opts: { noreplyWait: boolean }): Promise<void> };
const { TcpConnection } = createRequire(import.meta.url)('rethinkdb/net') as { TcpConnection: TcpConnectionCtor };

let server: TestServer;
before(async () => {
  server = await startTestServer({ users: { admin: '', bob: 'secret' } });
});
after(async () => {
  await server.stop();
});

const BAD_MAGIC_TEXT =
  'ERROR: Received an unsupported protocol version. This port is for RethinkDB queries. Does your client driver version not match the server?\n\0';

/**
 * Connects with the official driver expecting a refusal. The driver's connect timer survives
 * a refused handshake and fires later as a second `error`; a listener attached at once
 * absorbs it, and waiting for it leaves no stray timer behind.
 */
function officialRefusal(options: Record<string, unknown>): Promise<Error> {
  return new Promise((resolve) => {
    let first: Error | undefined;
    let events = 0;
    const conn = new TcpConnection({ host: '127.0.0.1', port: server.port, timeout: 2, ...options }, (err) => {
      first = err ?? new Error('connected although it should not have');
    });
    conn.on('error', () => {
      events++;
      if (events === 2) resolve(first as Error);
    });
  });
}

test('official driver: admin with an empty password, and a user with a password', async () => {
  const admin = await r.connect({ host: '127.0.0.1', port: server.port });
  const bob = await r.connect({ host: '127.0.0.1', port: server.port, user: 'bob', password: 'secret' });
  try {
    assert.equal(await r.expr(1).run(admin), 1);
    assert.equal(await r.expr('hi').run(bob), 'hi');
  } finally {
    await admin.close();
    await bob.close();
  }
});

test('rethinkdb-ts: admin with an empty password, and a user with a password', async () => {
  const admin = await rts.connect({ host: '127.0.0.1', port: server.port });
  const bob = await rts.connect({ host: '127.0.0.1', port: server.port, user: 'bob', password: 'secret' });
  try {
    assert.equal(await rts.expr(1).run(admin), 1);
    assert.equal(await rts.expr('hi').run(bob), 'hi');
  } finally {
    await admin.close();
    await bob.close();
  }
});

test('official driver: wrong password and unknown user give ReqlAuthError', async () => {
  const [wrong, unknown] = await Promise.all([
    officialRefusal({ user: 'bob', password: 'nope' }),
    officialRefusal({ user: 'nobody', password: '' }),
  ]);
  assert.equal(wrong.name, 'ReqlAuthError');
  assert.match(wrong.message, /Wrong password/);
  assert.equal(unknown.name, 'ReqlAuthError');
  assert.match(unknown.message, /Unknown user/);
});

test('rethinkdb-ts: wrong password and unknown user give ReqlAuthError', async () => {
  await assert.rejects(rts.connect({ host: '127.0.0.1', port: server.port, user: 'bob', password: 'nope', silent: true }), {
    name: 'ReqlAuthError', message: /Wrong password/,
  });
  await assert.rejects(rts.connect({ host: '127.0.0.1', port: server.port, user: 'nobody', password: '', silent: true }), {
    name: 'ReqlAuthError', message: /Unknown user/,
  });
});

test('raw: the version reply comes right after the magic, before the client-first message', async () => {
  const socket = await openSocket(server.port);
  const reader = new MessageReader(socket);
  socket.write(magic(Version.V1_0));
  assert.deepEqual(JSON.parse(await reader.next()), {
    max_protocol_version: 0, min_protocol_version: 0, server_version: '2.4.4', success: true,
  });
  socket.destroy();
});

test('raw: unknown user gets a normal challenge, then error 17 and a close', async () => {
  const socket = await openSocket(server.port);
  const reader = new MessageReader(socket);
  const first = JSON.stringify({ protocol_version: 0, authentication_method: 'SCRAM-SHA-256', authentication: 'n,,n=ghost,r=abc' });
  socket.write(Buffer.concat([magic(Version.V1_0), Buffer.from(`${first}\0`)]));
  await reader.next();
  const challenge = JSON.parse(await reader.next()) as { authentication: string; success: boolean };
  assert.match(challenge.authentication, /^r=abc[A-Za-z0-9+/]{24},s=[A-Za-z0-9+/]{22}==,i=4096$/);
  const nonce = challenge.authentication.split(',')[0]?.slice(2);
  socket.write(`${JSON.stringify({ authentication: `c=biws,r=${nonce},p=AAAA` })}\0`);
  assert.equal(await reader.next(), '{"error":"Unknown user","error_code":17,"success":false}');
  await readToClose(socket);
});

test('raw: wrong password gives error 12; a wrong nonce gives error 20', async () => {
  await assert.rejects(RawClient.connect(server.port, 'bob', 'bad'), {
    message: '{"error":"Wrong password","error_code":12,"success":false}',
  });
  const socket = await openSocket(server.port);
  const reader = new MessageReader(socket);
  const first = JSON.stringify({ protocol_version: 0, authentication_method: 'SCRAM-SHA-256', authentication: 'n,,n=bob,r=abc' });
  socket.write(Buffer.concat([magic(Version.V1_0), Buffer.from(`${first}\0`)]));
  await reader.next();
  await reader.next();
  socket.write(`${JSON.stringify({ authentication: 'c=biws,r=abcWRONG,p=AAAA' })}\0`);
  assert.equal(await reader.next(), '{"error":"Other error","error_code":20,"success":false}');
  await readToClose(socket);
});

test('raw: a successful handshake through our own client math', async () => {
  const before = server.stats().handshakes;
  const client = await RawClient.connect(server.port, 'bob', 'secret');
  assert.deepEqual(await client.ask(1, '[1,"x"]'), { t: 1, r: ['x'] });
  assert.equal(server.stats().handshakes, before + 1);
  client.close();
});

test('raw: bad magic gets the plain-text error and a close', async () => {
  const socket = await openSocket(server.port);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal((await readToClose(socket)).toString(), BAD_MAGIC_TEXT);
});

test('raw: V0_1 gets the PROTOBUF text; V0_4 is refused like a bad magic', async () => {
  const old = await openSocket(server.port);
  old.write(magic(Version.V0_1));
  assert.equal((await readToClose(old)).toString(), 'ERROR: The PROTOBUF client protocol is no longer supported\n\0');
  const v04 = await openSocket(server.port);
  v04.write(magic(Version.V0_4));
  assert.equal((await readToClose(v04)).toString(), BAD_MAGIC_TEXT);
});

test('raw: protocol_version 1, a bad method and bad JSON are refused with their codes', async () => {
  const cases: Array<[string, string]> = [
    [JSON.stringify({ protocol_version: 1, authentication_method: 'SCRAM-SHA-256', authentication: 'n,,n=admin,r=a' }),
      '{"error":"Unsupported `protocol_version`.","error_code":2,"success":false}\0'],
    [JSON.stringify({ protocol_version: 0, authentication_method: 'PLAIN', authentication: 'n,,n=admin,r=a' }),
      '{"error":"Unsupported `authentication_method`.","error_code":4,"success":false}\0'],
    [JSON.stringify({ protocol_version: 0, authentication_method: 'SCRAM-SHA-256', authentication: 'p=tls,,n=admin,r=a' }),
      '{"error":"Channel binding is not supported","error_code":15,"success":false}\0'],
    ['{not json', '{"error":"Invalid JSON object.","error_code":8,"success":false}\0'],
  ];
  for (const [message, expected] of cases) {
    const socket = await openSocket(server.port);
    socket.write(Buffer.concat([magic(Version.V1_0), Buffer.from(`${message}\0`)]));
    const received = (await readToClose(socket)).toString();
    assert.equal(received.slice(received.indexOf('\0') + 1), expected);
  }
});

test('raw: a handshake message of 2048 bytes without NUL gets error 7 and a close', async () => {
  const socket = await openSocket(server.port);
  socket.write(Buffer.concat([magic(Version.V1_0), Buffer.alloc(2048, 'x')]));
  const received = (await readToClose(socket)).toString();
  assert.equal(received.slice(received.indexOf('\0') + 1), '{"error":"Limited read buffer size.","error_code":7,"success":false}\0');
});

test('the server still serves after all those refusals', async () => {
  const conn = await r.connect({ host: '127.0.0.1', port: server.port });
  assert.equal(await r.expr(2).run(conn), 2);
  await conn.close();
});
