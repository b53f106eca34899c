import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiFailure } from '../api/failure';
import { pretty } from '../lib/format';

/** A refused call: the error envelope's code and message. */
export function ErrorBox({ error }: { error?: ApiFailure }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.code}</strong> {error.message}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

export function LevelBadge({ level }: { level: string }) {
  return <span class={`badge level-${level}`}>{level}</span>;
}

/** A job's progress, 0-100 (Herald's "42.00" strings). */
export function ProgressBar({ progress, status }: { progress: string | number; status?: string }) {
  const value = Math.max(0, Math.min(100, Number(progress) || 0));
  const label = `${value.toFixed(value === 100 || value === 0 ? 0 : 2)} %`;
  return (
    <div class={`progress ${status ? `progress-${status}` : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} aria-label="progress">
      <div class="progress-fill" style={{ width: `${value}%` }} />
      <span class="progress-text">{label}</span>
    </div>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{pretty(value)}</pre>;
}

export function Card({ title, actions, children, id }: { title: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" id={id}>
      <header class="card-head">
        <h2>{title}</h2>
        {actions ? <div class="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** A destructive action: one press arms it, a second within 4 s does it. */
export function ConfirmButton({ label, confirm, onConfirm, disabled }: { label: string; confirm: string; onConfirm: () => void; disabled?: boolean }) {
  const [armed, setArmed] = useState(false);
  return (
    <button
      type="button"
      class={armed ? 'danger armed' : 'danger'}
      disabled={disabled}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
          return;
        }
        setArmed(true);
        setTimeout(() => setArmed(false), 4000);
      }}
    >
      {armed ? confirm : label}
    </button>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}
