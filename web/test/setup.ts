import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetServerClock } from '../src/time/server-clock';

afterEach(() => {
  cleanup();
  resetServerClock();
  window.sessionStorage.clear();
});
