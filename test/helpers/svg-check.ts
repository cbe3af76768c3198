// A small well-formedness check for the SVG files the draft writes: one <svg> root in the SVG namespace, every tag
// closed in order, attributes quoted, entities known. Not a full XML parser: enough to catch a broken picture.
const ENTITIES = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export function svgProblem(text: string): string | null {
  const s = text.trim();
  if (!s.startsWith('<svg') || !s.endsWith('</svg>')) return 'not one <svg> element';
  if (!/^<svg[^>]*\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(s)) return 'the root has no SVG namespace';
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let at = 0;
  let roots = 0;
  for (let m = tag.exec(s); m; m = tag.exec(s)) {
    const between = s.slice(at, m.index);
    if (between.includes('<') || between.includes('>')) return `stray markup near "${between.slice(0, 40)}"`;
    if (ENTITIES.test(between) || (m[3] && ENTITIES.test(m[3]))) return `an unescaped & near "${m[0].slice(0, 40)}"`;
    at = m.index + m[0].length;
    if (m[0].startsWith('<!--')) continue;
    const [, close, name, , self] = m;
    if (close) {
      if (stack.pop() !== name) return `</${name}> closes nothing open`;
    } else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (s.slice(at).trim() !== '') return 'text after the root';
  if (stack.length) return `<${stack[stack.length - 1]}> is never closed`;
  return roots === 1 ? null : `${roots} root elements`;
}
