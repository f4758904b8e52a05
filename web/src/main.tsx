import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root, {
  // The error boundary already shows these on the page; a warning keeps the console's error log for real faults.
  onCaughtError: (error, info) => console.warn('caught by an error boundary', error, info.componentStack),
}).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
