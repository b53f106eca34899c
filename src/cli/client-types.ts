import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { fetchOpenApiDocument } from './openapi-document';

/** The checked-in types of the client, generated from the OpenAPI document. */
export const CLIENT_TYPES_FILE = join(__dirname, '..', '..', '..', 'src', 'client', 'api-types.ts');

const HEADER = '// Generated from Herald\'s OpenAPI document (/docs-json) by `npm run client:generate`. Do not edit.\n\n';

/** The TypeScript types of every route, request and answer in `document`. */
export async function renderClientTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { alphabetize: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

/**
 * `npm run client:generate` writes src/client/api-types.ts from what the current code serves at
 * /docs-json; `npm run client:check` exits 1 when the checked-in file differs from it (CI).
 */
async function main(mode: string | undefined): Promise<number> {
  if (mode !== 'write' && mode !== 'check') {
    console.error('usage: client-types.js write|check');
    return 2;
  }
  const rendered = await renderClientTypes(await fetchOpenApiDocument());
  if (mode === 'write') {
    writeFileSync(CLIENT_TYPES_FILE, rendered);
    console.log(`wrote ${CLIENT_TYPES_FILE}`);
    return 0;
  }
  let current = '';
  try {
    current = readFileSync(CLIENT_TYPES_FILE, 'utf8');
  } catch {
    /* missing: differs */
  }
  if (current === rendered) {
    console.log('client types match the OpenAPI document');
    return 0;
  }
  console.error('src/client/api-types.ts is out of date with the OpenAPI document: run `npm run client:generate` and commit the result');
  return 1;
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (err) => {
      console.error('client types:', err);
      process.exit(1);
    },
  );
}
