import { describe, expect, it } from 'vitest';
import { linkify, safeHref } from './linkify.js';

describe('linkify', () => {
  it('turns http, https, www and mailto links into link parts', () => {
    expect(linkify('see https://example.com/a?b=1, or www.example.org.')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: ', or ' },
      { text: 'www.example.org', href: 'https://www.example.org/' },
      { text: '.' },
    ]);
    expect(linkify('mail ana@example.com')).toEqual([
      { text: 'mail ' },
      { text: 'ana@example.com', href: 'mailto:ana@example.com' },
    ]);
  });

  it('leaves javascript:, data: and vbscript: links as plain text', () => {
    for (const t of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
    ]) {
      expect(linkify(t).every((p) => p.href === undefined)).toBe(true);
      expect(
        linkify(t)
          .map((p) => p.text)
          .join(''),
      ).toBe(t);
    }
  });

  it('keeps markup as text', () => {
    const t = '<img src=x onerror=alert(1)>';
    expect(linkify(t)).toEqual([{ text: t }]);
  });

  it('only allows http, https and mailto hrefs', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('ftp://a.example')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
  });
});
