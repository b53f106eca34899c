import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * One LISTEN connection on one channel, opened when first asked (`listen()`), opened again by
 * the next `listen()` after it was lost: its owner calls `listen()` from its fallback poll, so
 * a lost listener costs latency, never correctness. Payloads go to `onPayload`.
 */
export class PgListener {
  private readonly log: Logger;
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly applicationName: string,
    private readonly onPayload: (payload: string) => void,
    logContext: string,
  ) {
    this.log = new Logger(logContext);
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Opens the connection unless it is open (resolves either way: the owner's polling covers a failure). */
  listen(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: this.applicationName });
    client.on('error', (err) => {
      this.log.warn(`LISTEN ${this.channel} lost: ${err.message}; polling continues`);
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
    });
    client.on('notification', (msg) => this.onPayload(msg.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.closed) await client.end();
      else this.client = client;
    } catch (err) {
      this.log.warn(`LISTEN ${this.channel} failed (${(err as Error).message}); relying on polling`);
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
