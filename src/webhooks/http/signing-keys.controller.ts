import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/public.decorator';
import { AdminOnly } from '../../auth/route-access.decorator';
import { ApiAnswer, ApiError, errorExample } from '../../common/openapi';
import { signingKeyNotFound, SigningKeys } from '../signing-keys.service';
import { JwksView, RevokedSigningKey, RotatedSigningKey, SigningKeyList } from './signing-keys.schemas';

/** Receivers cache the JWKS this long; a rotation's old key is published 24 h, far longer (a revoke reaches them after it). */
const JWKS_CACHE_CONTROL = 'public, max-age=300';

const PUBLISHED = 'The current key, then the next one (published before it signs), then keys retired less than 24 h ago; never a revoked key';

/**
 * Herald's webhook signing keys (fal's ED25519 webhook signature, docs/API.md "fal"): the public
 * JWKS, which a fal receiver is pointed at instead of fal's, and an admin's listing, rotation and
 * revoke (the ring's rules: domain/signing-key-ring.ts).
 */
@ApiTags('webhooks')
@Controller()
export class SigningKeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  @ApiOperation({ summary: "Herald's webhook signing keys as a JWKS (no key needed): verifies the X-Fal-Webhook-Signature of fal webhooks" })
  @ApiAnswer(200, PUBLISHED, JwksView)
  jwks() {
    return this.keys.jwks();
  }

  @Get('fal/.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  @ApiOperation({ summary: 'The same JWKS under the fal routes (no key needed): the URL a fal receiver uses instead of https://rest.alpha.fal.ai/.well-known/jwks.json' })
  @ApiAnswer(200, PUBLISHED, JwksView)
  falJwks() {
    return this.keys.jwks();
  }

  @Get('api/v1/admin/signing-keys')
  @AdminOnly()
  @ApiOperation({ summary: 'Every webhook signing key with its state (current, next, retired, revoked) and times; never a private part' })
  @ApiAnswer(200, 'Current, next, retired (latest first), revoked (latest first)', SigningKeyList)
  list() {
    return this.keys.list();
  }

  @Post('api/v1/admin/signing-keys/rotate')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary: 'The next key signs from now on (every instance at once, within 30 s at worst); the old one stays in the JWKS for 24 h; a new next key is published',
  })
  @ApiAnswer(200, 'The key that signs now, the one it replaces, the new next key', RotatedSigningKey)
  rotate() {
    return this.keys.rotate();
  }

  @Post('api/v1/admin/signing-keys/:kid/revoke')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary:
      'A leaked key leaves the JWKS at once and never signs again (its private part is erased); revoking the current key promotes the next one first, and a new next key is made. Revoking a revoked key again changes nothing.',
  })
  @ApiAnswer(200, 'The revoked key, and the current and next keys after the revoke', RevokedSigningKey)
  @ApiError(404, errorExample(signingKeyNotFound('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k')))
  revoke(@Param('kid') kid: string) {
    return this.keys.revoke(kid);
  }
}
