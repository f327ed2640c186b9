// @ts-check
/**
 * The PostgreSQL wire protocol over TCP for one PGlite, run in its worker thread
 * (embedded-postgres.worker.mjs; plain JavaScript for the reason given there).
 *
 * Why not @electric-sql/pglite-socket's PGLiteSocketServer: it hands PGlite one protocol message
 * at a time, and a parameterised query from node-postgres is five of them (Parse, Bind, Describe,
 * Execute, Sync), each with its own turn in a queue, PGlite call, lock and socket write. Here
 * everything complete that a client has sent goes to PGlite in one call (PGlite's
 * execProtocolRaw runs PostgreSQL's main loop until its input is used up), and the answer goes
 * back in one write.
 *
 * PGlite is one session. Connections share it in turns: a connection keeps the session from
 * the moment its messages run until PGlite answers ReadyForQuery with the session idle ('I').
 * While it is in a transaction ('T', or 'E' after an error) or in the middle of an extended
 * query (no ReadyForQuery yet), other connections' messages wait. A connection that closes while
 * holding the session has its unfinished query ended and its transaction rolled back.
 *
 * What the session keeps by name is kept apart per connection: the names of prepared statements
 * and portals in Parse, Bind, Describe, Close and Execute are prefixed with the connection's id
 * (`c7.govern_…`), so two connections may prepare the same name (node-postgres prepares a name per
 * connection, and the platform names its statements by their text), and a closing connection's
 * statements are closed with it. The unnamed statement and portal stay as they are: node-postgres
 * sends them with their Sync in one write, and the session stays with one connection until
 * ReadyForQuery. So several clients with named statements may connect at once (a pool, a test, a
 * developer's tool alongside the services); their transactions still run one at a time.
 */
import { createServer } from 'node:net';

const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': ReadyForQuery's status outside a transaction
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const CLOSE = 0x43; // 'C'
const EXECUTE = 0x45; // 'E'
const STATEMENT = 0x53; // 'S': Describe/Close of a statement (else 'P', a portal)

/** Where the NUL-terminated string starting at `start` ends (the NUL's index), or -1 past `limit`. */
const stringEnd = (/** @type {Buffer} */ buffer, /** @type {number} */ start, /** @type {number} */ limit) => {
  const end = buffer.indexOf(0, start);
  return end < 0 || end >= limit ? -1 : end;
};

/**
 * The client's messages with every non-empty statement or portal name prefixed; the names of
 * statements parsed are added to `prepared` (to close them when the connection goes).
 * Messages are complete here (Connection.receive); anything else passes unchanged.
 */
export const namespaceNames = (/** @type {Buffer} */ input, /** @type {string} */ prefix, /** @type {Set<string>} */ prepared) => {
  const tag = Buffer.from(prefix);
  /** @type {Buffer[]} */
  const out = [];
  let changed = false;
  let offset = 0;
  while (offset < input.length) {
    const type = /** @type {number} */ (input[offset]);
    const end = offset + 1 + input.readInt32BE(offset + 1);
    /** @type {number[]} where, inside the message, a name to prefix starts */
    let names = [];
    const body = offset + 5;
    if (type === PARSE) names = [body];
    else if (type === EXECUTE) names = [body];
    else if (type === BIND) names = [body, stringEnd(input, body, end) + 1];
    else if (type === DESCRIBE || type === CLOSE) names = [body + 1];
    // A malformed message (a name not terminated inside it) goes as it is: PostgreSQL refuses it.
    const malformed = names.some((start) => start <= 0 || start >= end || stringEnd(input, start, end) < 0);
    names = names.filter((start) => input[start] !== 0);
    if (names.length === 0 || malformed) {
      out.push(input.subarray(offset, end));
    } else {
      changed = true;
      /** @type {Buffer[]} */
      const parts = [];
      let from = offset + 5;
      for (const start of names) {
        parts.push(input.subarray(from, start), tag);
        from = start;
      }
      parts.push(input.subarray(from, end));
      const rest = Buffer.concat(parts);
      const header = Buffer.alloc(5);
      header[0] = type;
      header.writeInt32BE(4 + rest.length, 1);
      out.push(header, rest);
      if (type === PARSE) prepared.add(input.subarray(body, stringEnd(input, body, end)).toString());
      else if (type === CLOSE && input[body] === STATEMENT) prepared.delete(input.subarray(body + 1, stringEnd(input, body + 1, end)).toString());
    }
    offset = end;
  }
  return changed ? Buffer.concat(out) : input;
};

/** Close messages for the given statement names (already prefixed by `prefix`), then Sync. */
const closeStatements = (/** @type {Iterable<string>} */ names, /** @type {string} */ prefix) => {
  /** @type {Buffer[]} */
  const out = [];
  for (const name of names) {
    const body = Buffer.from(`S${prefix}${name}\0`);
    const header = Buffer.alloc(5);
    header[0] = CLOSE;
    header.writeInt32BE(4 + body.length, 1);
    out.push(header, body);
  }
  out.push(Buffer.from(SYNC));
  return Buffer.concat(out);
};

/** A simple-protocol query message ('Q'). */
const simpleQuery = (/** @type {string} */ text) => {
  const body = Buffer.from(`${text}\0`);
  const message = Buffer.alloc(5 + body.length);
  message[0] = 0x51;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
};
const ROLLBACK = simpleQuery('ROLLBACK');

/** Whether PGlite's answer ends the exchange with the session idle (so another connection may have it). */
const leavesSessionIdle = (/** @type {Buffer} */ answer) =>
  answer.length >= 6 && answer[answer.length - 6] === READY_FOR_QUERY && answer.readInt32BE(answer.length - 5) === 5 && answer[answer.length - 1] === IDLE;

/**
 * One client connection: what it has sent, split into what PGlite can run now (complete
 * messages) and the incomplete rest.
 */
class Connection {
  /**
   * @param {import('node:net').Socket} socket
   * @param {number} id
   */
  constructor(socket, id) {
    this.socket = socket;
    /** Prefixed to the names of its statements and portals in the shared session. */
    this.prefix = `c${id}.`;
    /** Names (unprefixed) of the statements it prepared and has not closed. */
    /** @type {Set<string>} */
    this.prepared = new Set();
    /** @type {Buffer} */
    this.received = Buffer.alloc(0);
    /** The startup packet, run on its own: PGlite answers it by a path of its own. */
    /** @type {Buffer | undefined} */
    this.startup = undefined;
    /** @type {Buffer[]} complete messages after the startup, in order */
    this.messages = [];
    this.started = false;
    /** Terminate received: close once what came before it has run. */
    this.terminating = false;
    this.closed = false;
  }

  get hasWork() {
    return this.startup !== undefined || this.messages.length > 0;
  }

  /** Adds bytes from the socket; returns false when the connection is to be closed (a cancel request). */
  receive(/** @type {Buffer} */ chunk) {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    while (!this.started && !this.terminating && this.received.length >= 8) {
      const length = this.received.readInt32BE(0);
      if (this.received.length < length) return true;
      const code = this.received.readInt32BE(4);
      const packet = this.received.subarray(0, length);
      this.received = this.received.subarray(length);
      if (code === SSL_REQUEST_CODE) this.socket.write('N');
      else if (code === CANCEL_REQUEST_CODE) return false; // not supported, as in PGlite's own socket server
      else {
        this.startup = packet;
        this.started = true;
      }
    }
    let complete = 0;
    while (this.started && !this.terminating && this.received.length - complete >= 5) {
      if (this.received[complete] === TERMINATE) {
        this.terminating = true;
        break;
      }
      const end = complete + 1 + this.received.readInt32BE(complete + 1);
      if (end > this.received.length) break;
      complete = end;
    }
    if (complete > 0) {
      // Copied: the socket's chunk may be a slice of a pooled buffer.
      this.messages.push(Buffer.from(this.received.subarray(0, complete)));
      this.received = this.received.subarray(complete);
    }
    return true;
  }

  /** What PGlite runs next for this connection: the startup alone, else every complete message. */
  take() {
    if (this.startup) {
      const startup = this.startup;
      this.startup = undefined;
      return startup;
    }
    const input = /** @type {Buffer} */ (this.messages.length === 1 ? this.messages[0] : Buffer.concat(this.messages));
    this.messages = [];
    return namespaceNames(input, this.prefix, this.prepared);
  }
}

/**
 * @param {import('@electric-sql/pglite').PGlite} db
 * @param {{ host: string; port: number; maxConnections: number }} options
 * @returns {Promise<{ address: string; stop(): Promise<void> }>}
 */
export const startWireServer = async (db, options) => {
  /** @type {Set<Connection>} */
  const connections = new Set();
  /** Connections with work for PGlite, in arrival order (each at most once). */
  /** @type {Connection[]} */
  const waiting = [];
  /** The connection holding the session (in a transaction or an unfinished query), if any. */
  /** @type {Connection | undefined} */
  let holder;
  let pumping = false;

  const enqueue = (/** @type {Connection} */ connection) => {
    if (!waiting.includes(connection)) waiting.push(connection);
    void pump();
  };

  /** Runs what the connections sent, one exchange at a time, the holder's before anyone else's. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        const index = holder ? waiting.indexOf(holder) : 0;
        if (index < 0 || waiting.length === 0) return;
        const [connection] = /** @type {[Connection]} */ (waiting.splice(index, 1));
        if (connection.closed) {
          await releaseSession(connection, holder === connection);
          holder = undefined;
          continue;
        }
        const input = connection.take();
        /** @type {Buffer[]} */
        const answer = [];
        try {
          // Copied: PGlite hands out views of its receive buffer, reused by the next call.
          await db.runExclusive(() => db.execProtocolRawStream(input, { onRawData: (data) => answer.push(Buffer.from(data)) }));
        } catch (error) {
          // PostgreSQL's own errors come back as ErrorResponse messages; a throw is PGlite failing.
          holder = undefined;
          connection.socket.destroy(/** @type {Error} */ (error));
          continue;
        }
        const bytes = answer.length === 1 ? /** @type {Buffer} */ (answer[0]) : Buffer.concat(answer);
        holder = leavesSessionIdle(bytes) ? undefined : connection;
        if (connection.closed) {
          // It left while its messages ran: reset what it leaves behind before anyone else runs.
          if ((holder === connection || connection.prepared.size > 0) && !waiting.includes(connection)) waiting.push(connection);
          continue;
        }
        if (bytes.length > 0) connection.socket.write(bytes);
        if (connection.hasWork) waiting.push(connection);
        else if (connection.terminating) connection.socket.end();
      }
    } finally {
      pumping = false;
    }
  };

  /**
   * What a connection that left leaves in the session: its unfinished query and transaction
   * when it held the session, and the statements it prepared (so a pool that opens and closes
   * connections does not fill the session with them).
   */
  const releaseSession = async (/** @type {Connection} */ connection, /** @type {boolean} */ holding) => {
    await db.runExclusive(async () => {
      if (holding) {
        await db.execProtocolRaw(SYNC);
        if (db.isInTransaction()) await db.execProtocolRaw(ROLLBACK);
      }
      if (connection.prepared.size > 0) await db.execProtocolRaw(closeStatements(connection.prepared, connection.prefix));
      connection.prepared.clear();
    });
  };
  let connectionIds = 0;

  const server = createServer((socket) => {
    if (connections.size >= options.maxConnections) {
      socket.end('Too many connections\n');
      return;
    }
    socket.setNoDelay(true);
    const connection = new Connection(socket, ++connectionIds);
    connections.add(connection);
    socket.on('data', (chunk) => {
      if (!connection.receive(chunk)) socket.end();
      else if (connection.hasWork) enqueue(connection);
      else if (connection.terminating && !waiting.includes(connection) && holder !== connection) socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      connection.closed = true;
      connections.delete(connection);
      const index = waiting.indexOf(connection);
      if (index >= 0) waiting.splice(index, 1);
      // Its session state is PGlite's: reset it in turn (before anyone else runs, if it held the session).
      if (holder === connection || connection.prepared.size > 0) enqueue(connection);
    });
  });
  server.maxConnections = options.maxConnections;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const bound = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    address: `${options.host}:${bound.port}`,
    stop: () =>
      new Promise((resolve) => {
        for (const connection of connections) connection.socket.destroy();
        server.close(() => resolve());
      }),
  };
};
