// The V1_0 handshake: magic number, version reply, then a SCRAM-SHA-256 exchange of
// NUL-terminated JSON messages. Socket-agnostic: bytes go in through feed(), messages come
// out through HandshakeOutput, so the connection decides when (latency, pause) they go out.
import { SERVER_VERSION, Version } from './protocol.js';
import {
  authMessage, decodeUsername, makeNonce, parseAttributes, serverFirstMessage, serverSignature,
  unknownUserCredentials, verifyClientProof, type ScramCredentials,
} from './scram.js';

/** Users of a server, by name, with their precomputed SCRAM credentials. */
export type UserDirectory = ReadonlyMap<string, ScramCredentials>;

export interface HandshakeOutput {
  /** One complete NUL-terminated message: the official driver needs it in a single write. */
  send(message: Buffer): void;
  /** The final message of a refused handshake; the connection half-closes after it. */
  fail(message: Buffer): void;
}

export type HandshakeProgress =
  | { readonly done: false }
  | { readonly done: true; /** Bytes after the last handshake message (pipelined queries). */ readonly rest: Buffer };

/** The handshake's own protocol version (not in proto-def.js): only 0 exists. */
const HANDSHAKE_PROTOCOL_VERSION = 0;
/** A handshake message this long without its NUL is refused, as the real server does. */
const MAX_MESSAGE_SIZE = 2048;
const MAGIC_SIZE = 4;
const AUTH_METHOD = 'SCRAM-SHA-256';
const BAD_MAGIC_TEXT =
  'ERROR: Received an unsupported protocol version. This port is for RethinkDB queries. Does your client driver version not match the server?\n';
const PROTOBUF_TEXT = 'ERROR: The PROTOBUF client protocol is no longer supported\n';

const NOT_YET: HandshakeProgress = Object.freeze({ done: false });

/** Error codes and texts of RethinkDB's V1_0 handshake (authentication_error.hpp). */
const Refusal = {
  protocolVersionType: [1, 'Expected a number for `protocol_version`.'],
  protocolVersion: [2, 'Unsupported `protocol_version`.'],
  methodType: [3, 'Expected a string for `authentication_method`.'],
  method: [4, 'Unsupported `authentication_method`.'],
  authenticationType: [5, 'Expected a string for `authentication`.'],
  bufferSize: [7, 'Limited read buffer size.'],
  json: [8, 'Invalid JSON object.'],
  encoding: [10, 'Invalid encoding'],
  extensions: [11, 'Extensions not supported'],
  wrongPassword: [12, 'Wrong password'],
  channelBinding: [15, 'Channel binding is not supported'],
  unknownUser: [17, 'Unknown user'],
  usernameEncoding: [18, 'Invalid username encoding'],
  other: [20, 'Other error'],
} as const satisfies Record<string, readonly [number, string]>;
type Refusal = (typeof Refusal)[keyof typeof Refusal];

function message(json: string): Buffer {
  return Buffer.from(`${json}\0`, 'utf8');
}

function refusal([code, text]: Refusal): Buffer {
  return message(JSON.stringify({ error: text, error_code: code, success: false }));
}

const VERSION_REPLY = message(JSON.stringify({
  max_protocol_version: HANDSHAKE_PROTOCOL_VERSION,
  min_protocol_version: HANDSHAKE_PROTOCOL_VERSION,
  server_version: SERVER_VERSION,
  success: true,
}));

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type State = 'magic' | 'client-first' | 'client-final' | 'done' | 'failed';

export class Handshake {
  private state: State = 'magic';
  private pending: Buffer = Buffer.alloc(0);
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private creds: ScramCredentials | undefined;
  private userKnown = false;

  constructor(private readonly users: UserDirectory, private readonly out: HandshakeOutput) {}

  /** Feeds bytes from the client; once `done`, the rest belongs to the query session. */
  feed(chunk: Buffer): HandshakeProgress {
    if (this.state === 'done' || this.state === 'failed') return NOT_YET;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.state === 'magic') {
      if (this.pending.length < MAGIC_SIZE) return NOT_YET;
      if (!this.acceptMagic(this.pending.readUInt32LE(0))) return NOT_YET;
      this.pending = this.pending.subarray(MAGIC_SIZE);
    }
    for (;;) {
      const nul = this.pending.indexOf(0);
      if (nul < 0) {
        if (this.pending.length >= MAX_MESSAGE_SIZE) this.refuse(Refusal.bufferSize);
        return NOT_YET;
      }
      if (nul >= MAX_MESSAGE_SIZE) {
        this.refuse(Refusal.bufferSize);
        return NOT_YET;
      }
      const text = this.pending.toString('utf8', 0, nul);
      this.pending = this.pending.subarray(nul + 1);
      if (this.state === 'client-first') this.onClientFirst(text);
      else if (this.state === 'client-final') this.onClientFinal(text);
      // The handlers above move the state on; TypeScript cannot see that through the calls.
      const after = this.state as State;
      if (after === 'done') return { done: true, rest: this.pending };
      if (after === 'failed') return NOT_YET;
    }
  }

  private acceptMagic(magic: number): boolean {
    if (magic === Version.V1_0) {
      // Sent before reading the client-first message, as the real server does.
      this.out.send(VERSION_REPLY);
      this.state = 'client-first';
      return true;
    }
    const text = magic === Version.V0_1 || magic === Version.V0_2 ? PROTOBUF_TEXT : BAD_MAGIC_TEXT;
    this.state = 'failed';
    this.out.fail(message(text));
    return false;
  }

  private refuse(why: Refusal): void {
    this.state = 'failed';
    this.pending = Buffer.alloc(0);
    this.out.fail(refusal(why));
  }

  private onClientFirst(text: string): void {
    const msg = parseObject(text);
    if (!msg) {
      this.refuse(Refusal.json);
      return;
    }
    if (typeof msg.protocol_version !== 'number') {
      this.refuse(Refusal.protocolVersionType);
      return;
    }
    if (msg.protocol_version !== HANDSHAKE_PROTOCOL_VERSION) {
      this.refuse(Refusal.protocolVersion);
      return;
    }
    if (typeof msg.authentication_method !== 'string') {
      this.refuse(Refusal.methodType);
      return;
    }
    if (msg.authentication_method !== AUTH_METHOD) {
      this.refuse(Refusal.method);
      return;
    }
    const auth = msg.authentication;
    if (typeof auth !== 'string') {
      this.refuse(Refusal.authenticationType);
      return;
    }
    // GS2 header: "n," (no channel binding), an empty authzid, then ",".
    if (!auth.startsWith('n,')) {
      this.refuse(Refusal.channelBinding);
      return;
    }
    const comma = auth.indexOf(',', 2);
    if (comma < 0) {
      this.refuse(Refusal.encoding);
      return;
    }
    this.clientFirstBare = auth.slice(comma + 1);
    const attrs = parseAttributes(this.clientFirstBare);
    if (attrs === 'extensions') {
      this.refuse(Refusal.extensions);
      return;
    }
    if (attrs === 'invalid-encoding') {
      this.refuse(Refusal.encoding);
      return;
    }
    const rawUser = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (rawUser === undefined || clientNonce === undefined || clientNonce === '') {
      this.refuse(Refusal.encoding);
      return;
    }
    const user = decodeUsername(rawUser);
    if (user === undefined) {
      this.refuse(Refusal.usernameEncoding);
      return;
    }
    this.creds = this.users.get(user);
    this.userKnown = this.creds !== undefined;
    // An unknown user still gets a normal-looking challenge: nobody learns who exists.
    this.creds ??= unknownUserCredentials();
    this.nonce = clientNonce + makeNonce();
    this.serverFirst = serverFirstMessage(this.nonce, this.creds);
    this.state = 'client-final';
    this.out.send(message(JSON.stringify({ authentication: this.serverFirst, success: true })));
  }

  private onClientFinal(text: string): void {
    const msg = parseObject(text);
    if (!msg) {
      this.refuse(Refusal.json);
      return;
    }
    const auth = msg.authentication;
    if (typeof auth !== 'string') {
      this.refuse(Refusal.authenticationType);
      return;
    }
    const attrs = parseAttributes(auth);
    if (attrs === 'extensions') {
      this.refuse(Refusal.extensions);
      return;
    }
    if (attrs === 'invalid-encoding') {
      this.refuse(Refusal.encoding);
      return;
    }
    const proof = attrs.get('p');
    if (attrs.get('c') !== 'biws' || attrs.get('r') === undefined || proof === undefined) {
      this.refuse(Refusal.encoding);
      return;
    }
    if (attrs.get('r') !== this.nonce) {
      this.refuse(Refusal.other);
      return;
    }
    const proofAt = auth.lastIndexOf(',p=');
    if (proofAt < 0) {
      this.refuse(Refusal.encoding);
      return;
    }
    const creds = this.creds;
    if (!creds || !this.userKnown) {
      this.refuse(Refusal.unknownUser);
      return;
    }
    const signed = authMessage(this.clientFirstBare, this.serverFirst, auth.slice(0, proofAt));
    if (!verifyClientProof(creds, signed, proof)) {
      this.refuse(Refusal.wrongPassword);
      return;
    }
    this.state = 'done';
    this.out.send(message(JSON.stringify({ authentication: `v=${serverSignature(creds, signed)}`, success: true })));
  }
}
