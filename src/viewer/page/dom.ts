/**
 * The page's one DOM helper: h('div', { class: 'x', 'data-n': 3, onclick }, ...children)
 * makes an element. Text is always set as text, never parsed as HTML, so nothing from a
 * capture (certificate names, application data) can inject markup into the lesson.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
type Attr = string | number | boolean | undefined | ((e: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, Attr> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? (c as Node) : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Long hex shown cut, with the whole value in the tooltip. */
export function shortValue(value: string, limit = 72): Child {
  return value.length > limit ? h('span', { title: value }, `${value.slice(0, limit - 8)}…`) : value;
}
