/**
 * Hands a file to the browser as a download: an object URL on a temporary `<a download>`,
 * clicked, then removed and revoked (after the click has been handled, so the download starts).
 */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
