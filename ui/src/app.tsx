import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter-preact';
import { onUnauthorized } from './api/failure';
import { currentKey, forgetKey } from './api/session';
import { Card } from './components/basics';
import { Layout } from './components/layout';
import { DeliveriesPage } from './pages/deliveries.page';
import { JobPage } from './pages/job.page';
import { JobsPage } from './pages/jobs.page';
import { LoginPage } from './pages/login.page';
import { ProjectPage } from './pages/project.page';
import { ProjectsPage } from './pages/projects.page';

/** The dashboard's own paths, below /ui (Herald answers every one of them with this page). */
export const BASE = '/ui';

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Pages that call the API: the login first, when this tab has no key yet. */
function Guarded({ children }: { children: ComponentChildren }) {
  const [location] = useLocation();
  if (currentKey() === null) return <Redirect to={`/login?next=${encodeURIComponent(location)}`} replace />;
  return <Layout>{children}</Layout>;
}

/** A key refused by any call (401) sends the tab back to the login. */
function BackToLogin() {
  const [location, navigate] = useLocation();
  useEffect(
    () =>
      onUnauthorized((f) => {
        if (location === '/login') return;
        forgetKey();
        navigate(`/login?next=${encodeURIComponent(location)}&reason=${encodeURIComponent(`${f.code}: ${f.message}`)}`, { replace: true });
      }),
    [location, navigate],
  );
  return null;
}

export function App() {
  return (
    <Router base={BASE}>
      <BackToLogin />
      <Switch>
        <Route path="/login">
          <LoginPage />
        </Route>
        <Route path="/jobs">
          <Guarded>
            <JobsPage />
          </Guarded>
        </Route>
        <Route path="/jobs/:jobId">
          {(p: { jobId: string }) => (
            <Guarded>
              <JobPage key={p.jobId} jobId={decoded(p.jobId)} />
            </Guarded>
          )}
        </Route>
        <Route path="/deliveries">
          <Guarded>
            <DeliveriesPage />
          </Guarded>
        </Route>
        <Route path="/projects">
          <Guarded>
            <ProjectsPage />
          </Guarded>
        </Route>
        <Route path="/projects/:projectId">
          {(p: { projectId: string }) => (
            <Guarded>
              <ProjectPage key={p.projectId} projectId={decoded(p.projectId)} />
            </Guarded>
          )}
        </Route>
        <Route path="/">
          <Redirect to="/jobs" replace />
        </Route>
        <Route>
          <Guarded>
            <Card title="Not found">
              <p>This page does not exist.</p>
            </Card>
          </Guarded>
        </Route>
      </Switch>
    </Router>
  );
}
