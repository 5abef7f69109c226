// Obsidian's Events and Component, as the plugin uses them: named events with refs, and children and
// registrations that are undone when the component unloads.
import type * as O from 'obsidian';

type Callback = (...data: unknown[]) => unknown;
interface Ref extends O.EventRef {
  events: Events;
  name: string;
  callback: Callback;
  ctx: unknown;
}

export class Events implements O.Events {
  private handlers = new Map<string, Ref[]>();

  on(name: string, callback: Callback, ctx?: unknown): O.EventRef {
    const ref: Ref = { events: this, name, callback, ctx };
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), ref]);
    return ref;
  }

  off(name: string, callback: Callback): void {
    this.handlers.set(name, (this.handlers.get(name) ?? []).filter((r) => r.callback !== callback));
  }

  offref(ref: O.EventRef): void {
    const r = ref as Ref;
    this.handlers.set(r.name, (this.handlers.get(r.name) ?? []).filter((x) => x !== r));
  }

  trigger(name: string, ...data: unknown[]): void {
    for (const ref of this.handlers.get(name) ?? []) this.tryTrigger(ref, data);
  }

  tryTrigger(evt: O.EventRef, args: unknown[]): void {
    const r = evt as Ref;
    try {
      r.callback.apply(r.ctx, args);
    } catch (e) {
      // Obsidian logs a throwing handler and goes on with the others; the double records it for tests.
      console.error(e);
      handlerErrors.push(e);
    }
  }

  /** How many handlers listen to an event: what a test checks after unload. */
  listenerCount(name: string): number {
    return this.handlers.get(name)?.length ?? 0;
  }
}

/** Errors thrown by event handlers since the double was loaded; a test asserts it stays empty. */
export const handlerErrors: unknown[] = [];

export class Component implements O.Component {
  private loaded = false;
  private children: Component[] = [];
  private cleanups: (() => unknown)[] = [];

  /** What onload returned: Obsidian awaits a plugin's async onload, and so does the double. */
  protected loadResult: unknown;

  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.loadResult = (this.onload as () => unknown)();
    for (const c of this.children) c.load();
  }

  onload(): void {}

  unload(): void {
    if (!this.loaded) return;
    this.loaded = false;
    for (const c of this.children.splice(0)) c.unload();
    for (const fn of this.cleanups.splice(0).reverse()) fn();
    this.onunload();
  }

  onunload(): void {}

  addChild<T extends O.Component>(component: T): T {
    this.children.push(component as unknown as Component);
    if (this.loaded) component.load();
    return component;
  }

  removeChild<T extends O.Component>(component: T): T {
    const i = this.children.indexOf(component as unknown as Component);
    if (i >= 0) {
      this.children.splice(i, 1);
      component.unload();
    }
    return component;
  }

  register(cb: () => unknown): void {
    this.cleanups.push(cb);
  }

  registerEvent(eventRef: O.EventRef): void {
    this.register(() => (eventRef as Ref).events.offref(eventRef));
  }

  registerDomEvent(el: Window | Document | HTMLElement, type: string, callback: (ev: Event) => unknown, options?: boolean | AddEventListenerOptions): void {
    el.addEventListener(type, callback, options);
    this.register(() => el.removeEventListener(type, callback, options));
  }

  registerInterval(id: number): number {
    this.register(() => clearInterval(id));
    return id;
  }

  /** Whether this component is loaded (not part of Obsidian's API): tests check unload cleaned up. */
  get isLoaded(): boolean {
    return this.loaded;
  }
}
