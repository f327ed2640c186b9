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
 */
import { createServer } from 'node:net';

const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': ReadyForQuery's status outside a transaction
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

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
  /** @param {import('node:net').Socket} socket */
  constructor(socket) {
    this.socket = socket;
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
    const input = this.messages.length === 1 ? this.messages[0] : Buffer.concat(this.messages);
    this.messages = [];
    return /** @type {Buffer} */ (input);
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
          await releaseSession();
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
          if (holder === connection && !waiting.includes(connection)) waiting.push(connection);
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

  /** Ends the unfinished query and transaction of a connection that left while holding the session. */
  const releaseSession = async () => {
    await db.runExclusive(async () => {
      await db.execProtocolRaw(SYNC);
      if (db.isInTransaction()) await db.execProtocolRaw(ROLLBACK);
    });
  };

  const server = createServer((socket) => {
    if (connections.size >= options.maxConnections) {
      socket.end('Too many connections\n');
      return;
    }
    socket.setNoDelay(true);
    const connection = new Connection(socket);
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
      // Its session state is PGlite's: reset it in turn before anyone else runs.
      if (holder === connection) enqueue(connection);
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
