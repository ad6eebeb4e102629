export { escapeHtml } from './html';
export { type RenderContext, type RenderedEmail, renderNotice, type SessionRules } from './templates';
