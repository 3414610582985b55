import { Fragment } from 'react';

/** Renders the search API's `titleHtml`, keeping only its <em> highlights (no raw HTML). */
export function Highlight({ html }: { html: string }) {
  const parts = html.split(/(<em>.*?<\/em>)/g);
  return (
    <>
      {parts.map((part, index) =>
        part.startsWith('<em>') ? (
          <mark key={index}>{unescape(part.slice(4, -5))}</mark>
        ) : (
          <Fragment key={index}>{unescape(part.replace(/<[^>]*>/g, ''))}</Fragment>
        ),
      )}
    </>
  );
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
