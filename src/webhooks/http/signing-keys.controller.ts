import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/public.decorator';
import { AdminOnly } from '../../auth/route-access.decorator';
import { ApiAnswer } from '../../common/openapi';
import { SigningKeys } from '../signing-keys.service';
import { JwksView, RotatedSigningKey } from './signing-keys.schemas';

/** Receivers cache the JWKS this long; a rotation's old key is published 24 h, far longer. */
const JWKS_CACHE_CONTROL = 'public, max-age=300';

/**
 * Herald's webhook signing keys (fal's ED25519 webhook signature, docs/API.md "fal"): the public
 * JWKS, which a fal receiver is pointed at instead of fal's, and an admin's rotation.
 */
@ApiTags('webhooks')
@Controller()
export class SigningKeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  @ApiOperation({ summary: "Herald's webhook signing keys as a JWKS (no key needed): verifies the X-Fal-Webhook-Signature of fal webhooks" })
  @ApiAnswer(200, 'The current key and those retired less than 24 h ago', JwksView)
  jwks() {
    return this.keys.jwks();
  }

  @Get('fal/.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  @ApiOperation({ summary: 'The same JWKS under the fal routes (no key needed): the URL a fal receiver uses instead of https://rest.alpha.fal.ai/.well-known/jwks.json' })
  @ApiAnswer(200, 'The current key and those retired less than 24 h ago', JwksView)
  falJwks() {
    return this.keys.jwks();
  }

  @Post('api/v1/admin/signing-keys/rotate')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'A new webhook signing key signs from now on (every instance within 30 s); the old one stays in the JWKS for 24 h' })
  @ApiAnswer(200, 'The new key id', RotatedSigningKey)
  rotate() {
    return this.keys.rotate();
  }
}
