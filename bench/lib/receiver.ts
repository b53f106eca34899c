import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sleep } from '../bench-util';

/** The webhook receiver (delivery-receiver.ts) in a worker thread, seen from the main thread. */
export class Receiver {
  url = '';
  total = 0;
  /** Called for every receipt, in arrival order. */
  onReceipt: (path: string, at: number) => void = () => undefined;
  private seq = 0;
  private flushed = new Map<number, () => void>();
  private stopped?: () => void;

  private constructor(private readonly worker: Worker) {}

  static async start(): Promise<Receiver> {
    const worker = new Worker(join(__dirname, '..', 'delivery-receiver.js'));
    const rx = new Receiver(worker);
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (msg: { type: string; port?: number; paths?: string[]; times?: number[]; seq?: number }) => {
        if (msg.type === 'ready') resolve(msg.port!);
        else if (msg.type === 'receipts') {
          rx.total += msg.paths!.length;
          for (let i = 0; i < msg.paths!.length; i++) rx.onReceipt(msg.paths![i], msg.times![i]);
        } else if (msg.type === 'flushed') {
          rx.flushed.get(msg.seq!)?.();
          rx.flushed.delete(msg.seq!);
        } else if (msg.type === 'stopped') rx.stopped?.();
      });
    });
    rx.url = `http://127.0.0.1:${port}`;
    return rx;
  }

  /** Resolves once every request received so far has been passed to onReceipt. */
  sync(): Promise<void> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.flushed.set(seq, resolve);
      this.worker.postMessage({ type: 'flush', seq });
    });
  }

  async stop(): Promise<void> {
    await Promise.race([new Promise<void>((r) => ((this.stopped = r), this.worker.postMessage({ type: 'stop' }))), sleep(2000)]);
    await this.worker.terminate();
  }
}
