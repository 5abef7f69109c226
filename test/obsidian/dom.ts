// Obsidian's DOM helpers (createEl, createDiv, empty, setText, addClass, ...) installed on the DOM
// prototypes of whatever window the double runs in: Chromium's, or linkedom's under Node.
type Info = DomElementInfo | string | undefined;

function apply(el: HTMLElement, o: Info): void {
  if (o === undefined) return;
  if (typeof o === 'string') {
    el.className = o;
    return;
  }
  if (o.cls) el.className = Array.isArray(o.cls) ? o.cls.join(' ') : o.cls;
  if (o.text !== undefined) {
    if (typeof o.text === 'string') el.textContent = o.text;
    else el.appendChild(o.text);
  }
  for (const [k, v] of Object.entries(o.attr ?? {})) if (v !== null) el.setAttribute(k, String(v));
  if (o.title !== undefined) el.title = o.title;
  if (o.value !== undefined) (el as HTMLInputElement).value = o.value;
  if (o.type !== undefined) el.setAttribute('type', o.type);
  if (o.placeholder !== undefined) el.setAttribute('placeholder', o.placeholder);
  if (o.href !== undefined) el.setAttribute('href', o.href);
}

export function installDomHelpers(win: { document: Document; Node: typeof Node; Element: typeof Element; HTMLElement: typeof HTMLElement }): void {
  const doc = win.document;
  const make = function <K extends keyof HTMLElementTagNameMap>(this: Node | undefined, tag: K, o?: Info, cb?: (el: HTMLElementTagNameMap[K]) => void): HTMLElementTagNameMap[K] {
    const el = doc.createElement(tag);
    apply(el, o);
    const parent = (typeof o === 'object' && o.parent) || this;
    if (parent) {
      if (typeof o === 'object' && o.prepend) parent.insertBefore(el, parent.firstChild);
      else parent.appendChild(el);
    }
    cb?.(el);
    return el;
  };
  const node = win.Node.prototype as unknown as Record<string, unknown>;
  const element = win.Element.prototype as unknown as Record<string, unknown>;
  const html = win.HTMLElement.prototype as unknown as Record<string, unknown>;
  Object.assign(node, {
    createEl: make,
    createDiv(this: Node, o?: Info, cb?: (el: HTMLDivElement) => void) {
      return make.call(this, 'div', o, cb as (el: HTMLElement) => void);
    },
    createSpan(this: Node, o?: Info, cb?: (el: HTMLSpanElement) => void) {
      return make.call(this, 'span', o, cb as (el: HTMLElement) => void);
    },
    empty(this: Node) {
      while (this.firstChild) this.removeChild(this.firstChild);
    },
    detach(this: Node) {
      this.parentNode?.removeChild(this);
    },
    appendText(this: Node, val: string) {
      this.appendChild(doc.createTextNode(val));
    },
  });
  Object.assign(element, {
    setText(this: Element, val: string | DocumentFragment) {
      if (typeof val === 'string') this.textContent = val;
      else {
        this.textContent = '';
        this.appendChild(val);
      }
    },
    getText(this: Element) {
      return this.textContent ?? '';
    },
    addClass(this: Element, ...classes: string[]) {
      this.classList.add(...classes);
    },
    addClasses(this: Element, classes: string[]) {
      this.classList.add(...classes);
    },
    removeClass(this: Element, ...classes: string[]) {
      this.classList.remove(...classes);
    },
    toggleClass(this: Element, classes: string | string[], value: boolean) {
      for (const c of Array.isArray(classes) ? classes : [classes]) this.classList.toggle(c, value);
    },
    hasClass(this: Element, cls: string) {
      return this.classList.contains(cls);
    },
    setAttr(this: Element, name: string, value: string | number | boolean | null) {
      if (value === null) this.removeAttribute(name);
      else this.setAttribute(name, String(value));
    },
    setAttrs(this: Element, obj: Record<string, string | number | boolean | null>) {
      for (const [k, v] of Object.entries(obj)) (this as Element).setAttr(k, v);
    },
    getAttr(this: Element, name: string) {
      return this.getAttribute(name);
    },
    find(this: Element, selector: string) {
      return this.querySelector(selector);
    },
    findAll(this: Element, selector: string) {
      return Array.from(this.querySelectorAll(selector));
    },
  });
  Object.assign(html, {
    show(this: HTMLElement) {
      this.style.display = '';
    },
    hide(this: HTMLElement) {
      this.style.display = 'none';
    },
    toggle(this: HTMLElement, show: boolean) {
      this.style.display = show ? '' : 'none';
    },
    isShown(this: HTMLElement) {
      return this.style.display !== 'none';
    },
    setCssProps(this: HTMLElement, props: Record<string, string>) {
      for (const [k, v] of Object.entries(props)) this.style.setProperty(k, v);
    },
    setCssStyles(this: HTMLElement, styles: Partial<CSSStyleDeclaration>) {
      Object.assign(this.style, styles);
    },
  });
  const g = globalThis as unknown as Record<string, unknown>;
  g.createEl = (tag: keyof HTMLElementTagNameMap, o?: Info, cb?: (el: HTMLElement) => void) => make.call(undefined, tag, o, cb);
  g.createDiv = (o?: Info, cb?: (el: HTMLElement) => void) => make.call(undefined, 'div', o, cb);
  g.createSpan = (o?: Info, cb?: (el: HTMLElement) => void) => make.call(undefined, 'span', o, cb);
  g.createFragment = (cb?: (el: DocumentFragment) => void) => {
    const f = doc.createDocumentFragment();
    cb?.(f);
    return f;
  };
}
