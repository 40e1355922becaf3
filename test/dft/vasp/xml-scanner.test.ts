import { describe, expect, it } from 'vitest';
import { decodeEntities, scanXml, type XmlHandler } from '../../../dft/vasp/outputs/xml-scanner.js';

/** Records events as strings: '<a x=1>', 'text', '</a>'. */
function record(
  xml: string,
  skip: readonly string[] = [],
): { events: string[]; complete: boolean; open: readonly string[] } {
  const events: string[] = [];
  const handler: XmlHandler = {
    open(name, attrs) {
      const a = Object.entries(attrs)
        .map(([k, v]) => ` ${k}=${v}`)
        .join('');
      events.push(`<${name}${a}>`);
      return skip.includes(name) ? 'skip' : undefined;
    },
    close(name) {
      events.push(`</${name}>`);
    },
    text(text) {
      if (text.trim()) events.push(text.trim());
    },
  };
  const result = scanXml(xml, handler);
  return { events, complete: result.complete, open: result.openElements };
}

describe('scanXml', () => {
  it('reports elements, attributes in either quote, self-closing tags and text in document order', () => {
    const { events, complete } = record(`<?xml version="1.0" encoding="ISO-8859-1"?>
<!-- comment <b> -->
<modeling><i name="version" type='string'>6.3.2 </i><empty a="1"/><v>1 2 3</v></modeling>`);
    expect(complete).toBe(true);
    expect(events).toEqual([
      '<modeling>',
      '<i name=version type=string>',
      '6.3.2',
      '</i>',
      '<empty a=1>',
      '</empty>',
      '<v>',
      '1 2 3',
      '</v>',
      '</modeling>',
    ]);
  });

  it('decodes entities and character references, and passes CDATA through', () => {
    expect(decodeEntities('a &lt; b &amp;&amp; c &gt; d &#65;&#x42; &quot;q&apos;')).toBe(
      `a < b && c > d AB "q'`,
    );
    const { events } = record('<c a="x &amp; y"><![CDATA[<raw> & stuff]]></c>');
    expect(events).toEqual(['<c a=x & y>', '<raw> & stuff', '</c>']);
  });

  it('skips an element with nested elements of the same name and of similar names', () => {
    const { events, complete } = record('<r><set><set><setting/></set><x/></set><after/></r>', ['set']);
    expect(complete).toBe(true);
    expect(events).toEqual(['<r>', '<set>', '</set>', '<after>', '</after>', '</r>']);
  });

  it('stops without throwing on truncated input and says which elements were open', () => {
    for (const cut of [
      '<a><b>12',
      '<a><b name="x',
      '<a><!-- unfinished',
      '<a><skip><x>',
      '<a><b>1</b',
      '<a>',
    ]) {
      const result = record(cut, ['skip']);
      expect(result.complete).toBe(false);
      expect(result.open[0]).toBe('a');
    }
    expect(record('<a><b>1</b></a>').complete).toBe(true);
  });

  it('throws on a close tag that does not match the open element', () => {
    expect(() => record('<a><b></a>')).toThrow(/does not match/);
  });
});
