import { useEffect } from 'react';

/** Sets the document title, "Title · Backchannel", so that tabs and history say where one is. */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Backchannel` : 'Backchannel';
  }, [title]);
}
