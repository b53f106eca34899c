import { Injectable } from '@nestjs/common';

/**
 * How many Herald instances are live on this database, as this instance last saw it (the
 * heartbeat of herald_instances, every HERALD_INSTANCE_HEARTBEAT_MS): what is limited per
 * instance (a project's requests per second) is shared out by it. 1 until the first heartbeat.
 */
@Injectable()
export class LiveInstances {
  private live = 1;

  get count(): number {
    return this.live;
  }

  set(count: number): void {
    this.live = Math.max(1, count);
  }
}
