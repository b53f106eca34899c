import { randomUUID } from 'node:crypto';

/** Seams for time and identity: the domain gets both as arguments, tests may pin them. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export abstract class IdGenerator {
  abstract newId(): string;
}

export class UuidGenerator extends IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
