// SCRAM-SHA-256 arithmetic against the worked example of PROTOCOL-DETAILS 1.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authMessage, clientProof, decodeUsername, deriveCredentials, parseAttributes, saltPassword,
  serverFirstMessage, serverSignature, verifyClientProof,
} from '../../src/testing/server/scram.js';

const cnonce = Buffer.alloc(18, 0).toString('base64');
const snonce = Buffer.alloc(18, 1).toString('base64');
const salt = Buffer.alloc(16, 2);
const fullNonce = cnonce + snonce;

function exchange(user: string, password: string) {
  const creds = deriveCredentials(password, salt, 4096);
  const serverFirst = serverFirstMessage(fullNonce, creds);
  const withoutProof = `c=biws,r=${fullNonce}`;
  const message = authMessage(`n=${user},r=${cnonce}`, serverFirst, withoutProof);
  const proof = clientProof(saltPassword(password, salt, 4096), message);
  return { creds, serverFirst, withoutProof, message, proof };
}

test('admin with an empty password matches the test vector', () => {
  const { creds, serverFirst, withoutProof, message, proof } = exchange('admin', '');
  assert.equal(cnonce, 'AAAAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(snonce, 'AQEBAQEBAQEBAQEBAQEBAQEB');
  assert.equal(serverFirst, 'r=AAAAAAAAAAAAAAAAAAAAAAAAAQEBAQEBAQEBAQEBAQEBAQEB,s=AgICAgICAgICAgICAgICAg==,i=4096');
  assert.equal(`${withoutProof},p=${proof}`,
    'c=biws,r=AAAAAAAAAAAAAAAAAAAAAAAAAQEBAQEBAQEBAQEBAQEBAQEB,p=BCG/Jo0oVzuOmzR6d6JJtiwHSNfgrjuVWUP4fGHPAOs=');
  assert.equal(`v=${serverSignature(creds, message)}`, 'v=cSrH5B2mS3Ge7pLm1/quFTfM+MOw6UIG+NvuImunX8s=');
  assert.equal(verifyClientProof(creds, message, proof), true);
});

test('bob with password secret matches the test vector', () => {
  const { creds, message, proof } = exchange('bob', 'secret');
  assert.equal(proof, 'iBmmtCrsvMSeVefBEDEihpznQKxxhEerh5u2ltnV1d0=');
  assert.equal(serverSignature(creds, message), 'HHqP7nBsaSywuQ2kmAcni6joDnvbcaMojxdRL1pKCf4=');
  assert.equal(verifyClientProof(creds, message, proof), true);
});

test('a proof made with another password, or garbage, is refused', () => {
  const { creds, message } = exchange('bob', 'secret');
  const wrong = clientProof(saltPassword('Secret', salt, 4096), message);
  assert.equal(verifyClientProof(creds, message, wrong), false);
  assert.equal(verifyClientProof(creds, message, 'not base64 at all'), false);
  assert.equal(verifyClientProof(creds, message, ''), false);
});

test('an empty password and a single NUL byte (rethinkdb-ts) salt to the same key', () => {
  assert.deepEqual(saltPassword('', salt, 4096), saltPassword('\0', salt, 4096));
});

test('each user gets a random 16-byte salt, fixed at derivation', () => {
  const a = deriveCredentials('x');
  const b = deriveCredentials('x');
  assert.equal(a.salt.length, 16);
  assert.notDeepEqual(a.salt, b.salt);
  assert.equal(a.iterations, 4096);
});

test('attributes are parsed strictly', () => {
  assert.deepEqual(parseAttributes('n=admin,r=abc=='), new Map([['n', 'admin'], ['r', 'abc==']]));
  assert.equal(parseAttributes('n=a,n=b'), 'invalid-encoding');
  assert.equal(parseAttributes('nn=a'), 'invalid-encoding');
  assert.equal(parseAttributes(''), 'invalid-encoding');
  assert.equal(parseAttributes('m=ext,n=a'), 'extensions');
});

test('usernames decode =2C and =3D and refuse other escapes', () => {
  assert.equal(decodeUsername('plain'), 'plain');
  assert.equal(decodeUsername('a=2Cb=3Dc'), 'a,b=c');
  assert.equal(decodeUsername('a=3D2C'), 'a=2C');
  assert.equal(decodeUsername('a=XY'), undefined);
});
