/**
 * A forward-only XML tag scanner, purpose-built for vasprun.xml (no XML parser is a dependency of
 * this project). It walks the text once, calls `open`/`close`/`text` in document order and builds
 * no tree, so a 15 MB vasprun.xml costs one pass and little memory.
 *
 * What it handles: elements with single- or double-quoted attributes, self-closing tags, the XML
 * declaration and processing instructions, comments, CDATA, a DOCTYPE without an internal subset,
 * and the five predefined entities plus numeric character references. What it does not: namespaces,
 * DTD internal subsets, well-formedness checks beyond what it needs to find tag boundaries.
 *
 * Two properties vasprun.xml needs:
 * - **Truncated input.** A killed VASP leaves vasprun.xml cut anywhere, even inside a tag. The
 *   scanner stops at the cut and reports `complete: false`; everything before it was delivered.
 * - **Skipping.** `open` may return `'skip'` to jump over an element's whole content (the
 *   eigenvalue, DOS and projection blocks are > 95 % of a large vasprun.xml). Nested elements of
 *   the same name are counted, so the skip ends at the matching close tag.
 */

/** Receives the document's events in order. */
export interface XmlHandler {
  /** An element starts; return 'skip' to jump to its matching end (no events for its content). */
  open(name: string, attributes: Readonly<Record<string, string>>): void | 'skip';
  /** An element ends (also called right after `open` for a self-closing tag). */
  close(name: string): void;
  /** Character data between tags, entity-decoded; whitespace-only runs included. */
  text?(text: string): void;
}

export interface ScanResult {
  /** True when the text ended after the root element closed. */
  readonly complete: boolean;
  /** Elements still open where the text ended, outermost first (empty when complete). */
  readonly openElements: readonly string[];
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces XML entities and character references. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  ATTRIBUTE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ATTRIBUTE.exec(source))) attributes[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
  return attributes;
}

/** Index just past the `>` that closes the tag starting at `from`, honouring quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return -1;
}

/** Index just past the close tag that matches an element `name` whose start tag ended at `from`. */
function skipElement(xml: string, name: string, from: number): number {
  let depth = 1;
  let at = from;
  const openTag = `<${name}`;
  const closeTag = `</${name}`;
  while (depth > 0) {
    const close = xml.indexOf(closeTag, at);
    if (close < 0) return -1;
    let open = xml.indexOf(openTag, at);
    // Count only real start tags of this name ('<set' must not match '<setting').
    while (open >= 0 && open < close && !/[\s/>]/.test(xml[open + openTag.length] ?? '')) {
      open = xml.indexOf(openTag, open + 1);
    }
    if (open >= 0 && open < close) {
      const end = tagEnd(xml, open);
      if (end < 0) return -1;
      if (xml[end - 2] !== '/') depth++;
      at = end;
    } else {
      const end = xml.indexOf('>', close);
      if (end < 0) return -1;
      depth--;
      at = end + 1;
    }
  }
  return at;
}

/** Scans `xml` from the start, calling `handler` for each event. Never throws on truncated input. */
export function scanXml(xml: string, handler: XmlHandler): ScanResult {
  const stack: string[] = [];
  let sawRoot = false;
  let i = 0;
  const emitText = (from: number, to: number) => {
    if (to > from && handler.text) handler.text(decodeEntities(xml.slice(from, to)));
  };
  const incomplete = (): ScanResult => ({ complete: false, openElements: [...stack] });

  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      emitText(i, xml.length);
      break;
    }
    emitText(i, lt);
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) return incomplete();
      i = end + 2;
    } else if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) return incomplete();
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) return incomplete();
      handler.text?.(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      const end = xml.indexOf('>', lt + 2);
      if (end < 0) return incomplete();
      i = end + 1;
    } else if (xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt + 2);
      if (end < 0) return incomplete();
      const name = xml.slice(lt + 2, end).trim();
      if (stack[stack.length - 1] !== name) {
        throw new SyntaxError(
          `XML close tag </${name}> at offset ${lt} does not match <${stack[stack.length - 1] ?? '(none)'}>`,
        );
      }
      stack.pop();
      handler.close(name);
      i = end + 1;
    } else {
      const end = tagEnd(xml, lt + 1);
      if (end < 0) return incomplete();
      const selfClosing = xml[end - 2] === '/';
      const body = xml.slice(lt + 1, selfClosing ? end - 2 : end - 1);
      const nameMatch = /^[^\s/>]+/.exec(body);
      if (!nameMatch) throw new SyntaxError(`XML tag without a name at offset ${lt}`);
      const name = nameMatch[0];
      sawRoot = true;
      const action = handler.open(name, parseAttributes(body.slice(name.length)));
      if (selfClosing) {
        handler.close(name);
        i = end;
      } else if (action === 'skip') {
        const after = skipElement(xml, name, end);
        if (after < 0) {
          stack.push(name);
          return incomplete();
        }
        handler.close(name);
        i = after;
      } else {
        stack.push(name);
        i = end;
      }
    }
  }
  return stack.length === 0 && sawRoot ? { complete: true, openElements: [] } : incomplete();
}
