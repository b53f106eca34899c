import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { currentKey, forgetKey } from '../api/session';
import { currentTheme, setTheme, type Theme } from '../lib/theme';

const NAV = [
  { href: '/jobs', label: 'Jobs' },
  { href: '/deliveries', label: 'Deliveries' },
  { href: '/projects', label: 'Projects' },
];

export function ThemeToggle() {
  const [theme, set] = useState<Theme>(currentTheme());
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      class="ghost theme-toggle"
      aria-label={`switch to the ${next} theme`}
      title={`switch to the ${next} theme`}
      onClick={() => {
        setTheme(next);
        set(next);
      }}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  const [location, navigate] = useLocation();
  const key = currentKey();
  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/jobs" class="brand">
          Herald
        </Link>
        <nav>
          {NAV.map((n) => (
            <Link key={n.href} href={n.href} class={location.startsWith(n.href) ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div class="topbar-end">
          <ThemeToggle />
          <button
            type="button"
            class="ghost"
            onClick={() => {
              forgetKey();
              navigate('/login');
            }}
          >
            {key ? 'Log out' : 'Key…'}
          </button>
        </div>
      </header>
      <main>{children}</main>
    </div>
  );
}
