// Where a failing component ends up instead of a blank page: what failed (the message, and the
// stack under "Details"), that nothing cached was touched, and two ways back — try the same view
// again, or go to the Data tab. It keeps no copy of anything and clears nothing: datasets, runs and
// models are in IndexedDB, the stores in memory stay as they were.
import { Component, useEffect, useState, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  area: string;
  onBack: () => void;
  children: ReactNode;
}

interface State {
  error: Error | null;
  componentStack: string | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, componentStack: null };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`LiverLab: the ${this.props.area} tab failed`, error);
    this.setState({ componentStack: info.componentStack ?? null });
  }

  private reset = () => this.setState({ error: null, componentStack: null });

  override render() {
    const { error, componentStack } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="error-boundary" role="alert" aria-labelledby="error-boundary-title" data-testid="error-boundary">
        <h2 id="error-boundary-title">The {this.props.area} tab stopped with an error</h2>
        <p data-testid="error-message">
          <strong>{error.name}:</strong> {error.message}
        </p>
        <p>Nothing stored was lost: your cached datasets, training runs and models are still in this browser.</p>
        <details>
          <summary>Details for a bug report</summary>
          <pre>{[error.stack, componentStack].filter(Boolean).join('\n')}</pre>
        </details>
        <div className="actions">
          <button type="button" className="primary" onClick={this.reset}>
            Try again
          </button>
          <button
            type="button"
            onClick={() => {
              this.reset();
              this.props.onBack();
            }}
          >
            Back to Data
          </button>
        </div>
      </section>
    );
  }
}

/** Test hook event: `window.dispatchEvent(new CustomEvent(CRASH_EVENT, { detail: 'view' }))` makes that area's probe throw. */
export const CRASH_EVENT = 'liverlab-test-crash';

/**
 * Throws while rendering once a test asks (see CRASH_EVENT) — listened to only under browser
 * automation (navigator.webdriver, set by Playwright and other WebDriver clients, never in a
 * person's browser), so the boundary can be tested on a real failure. Renders nothing.
 */
export function CrashProbe({ area }: { area: string }) {
  const [crash, setCrash] = useState(false);
  useEffect(() => {
    if (!navigator.webdriver) return;
    const onCrash = (e: Event) => {
      if ((e as CustomEvent<unknown>).detail === area) setCrash(true);
    };
    window.addEventListener(CRASH_EVENT, onCrash);
    return () => window.removeEventListener(CRASH_EVENT, onCrash);
  }, [area]);
  if (crash) throw new Error(`test hook: a component of the ${area} tab threw while rendering`);
  return null;
}
