import { errorCode, ShutdownAbort } from '../../src/webhooks/infrastructure/http-sender';

describe('error codes of failed HTTP calls (the attempt log keeps them)', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { cause: { code } });

  it('names timeouts, resets and refusals with stable codes', () => {
    expect(errorCode(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('TIMEOUT');
    expect(errorCode(withCode('UND_ERR_HEADERS_TIMEOUT'))).toBe('TIMEOUT');
    expect(errorCode(withCode('UND_ERR_SOCKET'))).toBe('ECONNRESET');
    expect(errorCode(withCode('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(errorCode(new Error('no code'))).toBe('ERROR');
  });

  it('gives every TLS failure one code, TLS_ERROR', () => {
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      expect([code, errorCode(withCode(code))]).toEqual([code, 'TLS_ERROR']);
    }
  });

  it('tells a call cut off by the instance stopping from a timeout', () => {
    expect(errorCode(new ShutdownAbort())).toBe('SHUTDOWN');
    expect(errorCode(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('TIMEOUT');
  });
});
