import { Component, type ReactNode } from 'react';
import { asApiError } from '../api/problem';
import { ErrorPanel } from './error-panel';

/** Around each page (keyed by path, so navigating away resets it): a crash shows an ErrorPanel, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error !== undefined) return <ErrorPanel error={asApiError(this.state.error)} />;
    return this.props.children;
  }
}
