/**
 * Emails are built from blocks, and both the plain-text and the HTML part are rendered from the
 * same blocks: the two parts always say the same thing, and every piece of text goes through the
 * HTML escaper (user text can never become markup).
 */
import { html, paragraphText, type SafeHtml } from './html';

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'facts'; rows: [label: string, value: string][] }
  | { kind: 'link'; label: string; href: string }
  | { kind: 'steps'; items: string[] }
  /** Long user text (terms), kept verbatim. */
  | { kind: 'quote'; text: string };

export const p = (text: string): Block => ({ kind: 'p', text });
export const heading = (text: string): Block => ({ kind: 'heading', text });
export const facts = (rows: [string, string][]): Block => ({ kind: 'facts', rows });
export const link = (label: string, href: string): Block => ({ kind: 'link', label, href });
export const steps = (items: string[]): Block => ({ kind: 'steps', items });
export const quote = (text: string): Block => ({ kind: 'quote', text });

export interface EmailContent {
  subject: string;
  blocks: Block[];
}

const FOOTER =
  'Backchannel never shows a side’s number to the other side or to the mediator. You receive this ' +
  'email because you take part in this negotiation or were invited to it.';

function blockText(block: Block): string {
  switch (block.kind) {
    case 'p':
      return block.text;
    case 'heading':
      return `${block.text}\n${'-'.repeat(Math.min(block.text.length, 60))}`;
    case 'facts':
      return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
    case 'link':
      return `${block.label}:\n${block.href}`;
    case 'steps':
      return block.items.map((item, i) => `${i + 1}. ${item}`).join('\n');
    case 'quote':
      return `----------\n${block.text}\n----------`;
  }
}

export function renderText(blocks: Block[]): string {
  return `${[...blocks.map(blockText), '--', FOOTER].join('\n\n')}\n`;
}

function blockHtml(block: Block): SafeHtml {
  switch (block.kind) {
    case 'p':
      return html`<p style="margin:0 0 16px">${paragraphText(block.text)}</p>`;
    case 'heading':
      return html`<h2 style="font-size:16px;margin:24px 0 8px">${block.text}</h2>`;
    case 'facts':
      return html`<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${block.rows.map(
        ([label, value]) =>
          html`<tr><th scope="row" style="text-align:left;padding:2px 16px 2px 0;font-weight:600">${label}</th><td style="padding:2px 0">${value}</td></tr>`,
      )}</table>`;
    case 'link':
      return html`<p style="margin:0 0 16px"><a href="${block.href}" style="color:#1a56db">${block.label}</a></p>`;
    case 'steps':
      return html`<ol style="margin:0 0 16px;padding-left:20px">${block.items.map(
        (item) => html`<li style="margin:0 0 8px">${paragraphText(item)}</li>`,
      )}</ol>`;
    case 'quote':
      return html`<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #ccc;white-space:pre-wrap">${block.text}</blockquote>`;
  }
}

export function renderHtml(subject: string, blocks: Block[]): string {
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${subject}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#111;max-width:640px;margin:0 auto;padding:24px">
${blocks.map((block) => html`${blockHtml(block)}\n`)}<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">
<p style="font-size:12px;color:#555;margin:0">${FOOTER}</p>
</body></html>
`;
  return body.value;
}
