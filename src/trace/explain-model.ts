/**
 * What `ssl3 explain` says about a capture, as data: explain.ts builds it, explain-text.ts
 * prints it for a reader, and `--json` prints it as it is. Every value is a string, number,
 * boolean, list or object (bytes in hex), so the JSON needs no conversion; names follow
 * RFC 6101 (pre_master_secret, client_write_MAC_secret, seq_num...) where it has one.
 */

export interface CaptureExplanation {
  /** 'json-trace': a --trace-json file (explain-trace.ts), whose line numbers stand for frame numbers. */
  format: 'pcap' | 'pcapng' | 'json-trace';
  frames: number;
  /** Capture-wide lines: frames that are not TCP over IP, a file cut short, key log problems. */
  notes: string[];
  /** SSL or TLS connections, in order of their first frame. */
  connections: ConnectionExplanation[];
  /** tcp_stream numbers of the TCP connections that carry no SSL or TLS. */
  other_tcp_streams: number[];
}

export type Direction = 'client-to-server' | 'server-to-client';

export interface ConnectionExplanation {
  /** The TCP connection's index in the file from 0, as Wireshark's tcp.stream numbers it. */
  tcp_stream: number;
  client: string;
  server: string;
  /** 'SSL 3.0', or the TLS version the ServerHello chose, or 'unknown (no ServerHello)'. */
  protocol: string;
  handshakes: HandshakeExplanation[];
  records: RecordExplanation[];
  /** What could not be done, and why: a TLS connection, a missing key, a capture cut short. */
  notes: string[];
}

export interface HandshakeExplanation {
  /** 'full', 'resumed' (RFC 6101 5.5, figure 2), or 'incomplete' when the capture ends first. */
  kind: 'full' | 'resumed' | 'incomplete';
  /** The record that carried its ClientHello (1-based, in this connection). */
  first_record: number;
  client_version?: string;
  server_version?: string;
  cipher_suite?: string;
  session_id?: string;
  client_random?: string;
  server_random?: string;
  keys?: KeyDerivation;
  finished: FinishedCheck[];
  certificate_verify?: { record: number; ok: boolean; text: string };
  notes: string[];
}

/** One round of SSL 3.0's expansion: MD5(secret + SHA(label + secret + seed)). */
export interface ExpansionRound {
  label: string;
  sha: string;
  md5: string;
}

export interface KeyDerivation {
  /** The record at which the keys were needed and derived (a ChangeCipherSpec, mostly). */
  record: number;
  /** Where the secret came from, in words. */
  source: string;
  pre_master_secret?: {
    /** The ClientKeyExchange's encrypted block (hex), when the RSA key decrypted it. */
    encrypted?: string;
    hex: string;
    client_version: string;
  };
  master_secret: {
    formula: string;
    /** Present when the pre_master_secret is known (a key log gives the master_secret itself). */
    rounds?: ExpansionRound[];
    hex: string;
  };
  key_block: {
    formula: string;
    length: number;
    rounds: ExpansionRound[];
    parts: { name: string; offset: number; length: number; hex: string }[];
  };
}

export interface FinishedCheck {
  sender: 'client' | 'server';
  /** The record that carried this Finished. */
  record: number;
  formula: string;
  expected: { md5_hash: string; sha_hash: string };
  received: { md5_hash: string; sha_hash: string };
  ok: boolean;
}

export interface HandshakeMessageExplanation {
  type: number;
  name: string;
  length: number;
  fields: Record<string, string | readonly string[]>;
  /** The message body in hex. */
  body: string;
}

/** How one encrypted record was opened (RFC 6101 5.2.3): sequence number, MAC, padding, verdict. */
export interface RecordDecryption {
  cipher_suite: string;
  seq_num: string;
  /** seq_num + type + length in hex: what is hashed after MAC_write_secret + pad_1, before the content. */
  mac_input?: string;
  /** hash(MAC_write_secret + pad_1 + mac_input + content). */
  mac_inner?: string;
  mac_expected?: string;
  mac_received?: string;
  /** Block ciphers: the padding bytes and padding_length. */
  padding?: { length: number; bytes: string };
  ok: boolean;
  /** "MAC ok", or why not. */
  verdict: string;
}

export interface RecordExplanation {
  /** 1-based, in the order the records completed in the capture. */
  number: number;
  frame: number;
  /** Seconds since the epoch, when the capture has timestamps. */
  time?: number;
  direction: Direction;
  /** RFC 6101 5.2.1 ContentType name, or 'sslv2_client_hello'. */
  content_type: string;
  /** The record's header version, e.g. '3.0'. */
  version: string;
  /** The record body's length on the wire. */
  length: number;
  encrypted: boolean;
  /** An encrypted record's body as it went on the wire, in hex (before decryption). */
  ciphertext?: string;
  decryption?: RecordDecryption;
  /** The plaintext fragment in hex, when known. */
  fragment?: string;
  messages?: HandshakeMessageExplanation[];
  alert?: { level: string; description: string };
  /** Application data as text (non-printable bytes escaped). */
  text?: string;
  notes: string[];
}
