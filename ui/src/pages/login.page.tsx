import { useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { asFailure, failureOf, type ApiFailure } from '../api/failure';
import { saveKey } from '../api/session';
import { ErrorBox } from '../components/basics';
import { ThemeToggle } from '../components/layout';

/**
 * The key is checked with one read (a search of one job): 401 refuses it; any other answer
 * keeps it (a project key without jobs:read may still manage its webhooks). An empty key is for a
 * Herald without admin keys (an open API).
 */
async function check(key: string): Promise<ApiFailure | undefined> {
  try {
    const res = await fetch('/api/v1/exec/search?limit=1', { headers: key ? { authorization: `Bearer ${key}` } : {} });
    if (res.status !== 401) return undefined;
    return failureOf(401, await res.json().catch(() => undefined), res.statusText);
  } catch (err) {
    return asFailure(err);
  }
}

export function LoginPage() {
  const [, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure>();
  const next = params.get('next');
  const reason = params.get('reason');
  return (
    <div class="login">
      <div class="login-top">
        <ThemeToggle />
      </div>
      <form
        class="card login-card"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          void check(key.trim()).then((refused) => {
            setBusy(false);
            if (refused) return setError(refused);
            saveKey(key.trim());
            navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/jobs', { replace: true });
          });
        }}
      >
        <h1>Herald</h1>
        {reason ? <p class="muted">{reason}</p> : null}
        <label>
          API key
          <input name="key" type="password" autoComplete="current-password" value={key} onInput={(e) => {
              setKey(e.currentTarget.value);
              setError(undefined);
            }} placeholder="an admin key or a project key (hk_…)" />
        </label>
        <p class="muted small">Kept in this tab only (sessionStorage). Leave it empty when Herald runs without keys.</p>
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        <ErrorBox error={error} />
      </form>
    </div>
  );
}
