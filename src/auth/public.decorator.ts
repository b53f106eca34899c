import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'herald:public';

/** A handler (or controller) any caller may reach without a key: only the health probe. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
