import { z } from 'zod';
import { requestSchema, responseSchema } from '../../common/openapi';
import { asOneField } from '../../common/zod-validation';
import { KEY_SCOPES } from '../domain/caller';

/** Requests and answers of the project key routes. KeysService validates the body with KeyRequest. */

const time = () => z.string().meta({ format: 'date-time' });

export const KeyRequest = requestSchema(
  'KeyRequest',
  z.strictObject({
    name: z
      .string({ error: 'is required: 1-200 characters' })
      .max(200, { error: 'is required: 1-200 characters' })
      .refine((s) => s.trim().length > 0, { error: 'is required: 1-200 characters' })
      .transform((s) => s.trim())
      .meta({ examples: ['ci-worker'] }),
    scopes: asOneField(
      z
        .array(z.enum(KEY_SCOPES))
        .min(1)
        .refine((s) => new Set(s).size === s.length),
      `must be a non-empty list of distinct scopes among ${KEY_SCOPES.join(', ')}`,
    )
      .optional()
      .meta({ description: 'what the key may do; default: every scope' }),
  }),
);

const keyFields = {
  id: z.string().meta({ format: 'uuid' }),
  projectId: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: 'the first characters of the key, to tell keys apart', examples: ['hk_3f9aK2bQ'] }),
  scopes: z.array(z.enum(KEY_SCOPES)),
  createdAt: time(),
  lastUsedAt: time().nullable().meta({ description: 'recorded at most once a minute' }),
};

export const KeyView = responseSchema('KeyView', z.object(keyFields).meta({ description: 'A project key as listed: never the key itself' }));

export const CreatedKey = responseSchema(
  'CreatedKey',
  z.object({ ...keyFields, key: z.string().meta({ description: 'the key: shown this once, only its SHA-256 digest is kept', examples: ['hk_3f9aK2bQ…'] }) }),
);

export const KeyList = responseSchema('KeyList', z.object({ keys: z.array(KeyView) }));
