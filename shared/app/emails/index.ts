export { escapeHtml } from './html';
export { type RenderContext, renderNotice } from './templates';
