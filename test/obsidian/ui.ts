// Notices, modals, the suggest modal, settings and their controls: the DOM Obsidian builds for them
// (same class names, so the plugin's CSS and a test's selectors work on both), with their keyboard.
import type * as O from 'obsidian';
import type { Like } from './like.ts';
import type { App } from './app.ts';

/** Every notice shown since load: what tests read. */
export const notices: string[] = [];

export class Notice implements Like<O.Notice, 'noticeEl' | 'setMessage' | 'hide', Notice> {
  noticeEl: HTMLElement;
  constructor(message: string | DocumentFragment, duration = 4000) {
    let box = document.querySelector<HTMLElement>('.notice-container');
    if (!box) box = document.body.createDiv({ cls: 'notice-container' });
    this.noticeEl = box.createDiv({ cls: 'notice' });
    this.setMessage(message);
    if (duration > 0) setTimeout(() => this.hide(), duration);
  }
  setMessage(message: string | DocumentFragment): this {
    this.noticeEl.setText(message);
    notices.push(this.noticeEl.textContent ?? '');
    return this;
  }
  hide(): void {
    this.noticeEl.detach();
  }
}

export class Modal implements Like<O.Modal, 'containerEl' | 'modalEl' | 'titleEl' | 'contentEl' | 'open' | 'close' | 'onOpen' | 'onClose' | 'setTitle', Modal> {
  containerEl: HTMLElement;
  modalEl: HTMLElement;
  titleEl: HTMLElement;
  contentEl: HTMLElement;
  private closeCallback: (() => unknown) | undefined;
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
    }
  };

  constructor(readonly app: App) {
    this.containerEl = createDiv({ cls: 'modal-container' });
    this.containerEl.createDiv({ cls: 'modal-bg' }).addEventListener('click', () => this.close());
    this.modalEl = this.containerEl.createDiv({ cls: 'modal' });
    this.modalEl.createDiv({ cls: 'modal-close-button' }).addEventListener('click', () => this.close());
    this.titleEl = this.modalEl.createDiv({ cls: 'modal-title' });
    this.contentEl = this.modalEl.createDiv({ cls: 'modal-content' });
  }

  open(): void {
    document.body.appendChild(this.containerEl);
    this.containerEl.addEventListener('keydown', this.onKey);
    void this.onOpen();
  }

  close(): void {
    if (!this.containerEl.parentNode) return;
    this.containerEl.removeEventListener('keydown', this.onKey);
    this.containerEl.detach();
    this.onClose();
    this.closeCallback?.();
  }

  onOpen(): Promise<void> | void {}
  onClose(): void {}

  setTitle(title: string): this {
    this.titleEl.setText(title);
    return this;
  }

  setCloseCallback(callback: () => unknown): this {
    this.closeCallback = callback;
    return this;
  }
}

export abstract class SuggestModal<T> extends Modal implements Like<O.SuggestModal<T>, 'inputEl' | 'resultContainerEl' | 'limit' | 'emptyStateText' | 'setPlaceholder' | 'selectSuggestion', SuggestModal<T>> {
  limit = 100;
  emptyStateText = 'No results found.';
  inputEl: HTMLInputElement;
  resultContainerEl: HTMLElement;
  private items: T[] = [];
  private selected = 0;

  constructor(app: App) {
    super(app);
    this.modalEl.addClass('prompt');
    this.inputEl = this.modalEl.createEl('input', { cls: 'prompt-input', type: 'text' });
    this.resultContainerEl = this.modalEl.createDiv({ cls: 'prompt-results' });
    this.inputEl.addEventListener('input', () => void this.update());
    this.inputEl.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.select(this.selected + (e.key === 'ArrowDown' ? 1 : -1));
      } else if (e.key === 'Enter') {
        e.preventDefault();
        const item = this.items[this.selected];
        if (item !== undefined) this.selectSuggestion(item, e);
      }
    });
  }

  setPlaceholder(placeholder: string): void {
    this.inputEl.placeholder = placeholder;
  }

  override open(): void {
    super.open();
    void this.update();
    this.inputEl.focus();
  }

  private async update(): Promise<void> {
    this.items = (await this.getSuggestions(this.inputEl.value)).slice(0, this.limit);
    this.resultContainerEl.empty();
    if (this.items.length === 0) this.resultContainerEl.createDiv({ cls: 'suggestion-empty', text: this.emptyStateText });
    this.items.forEach((item, i) => {
      const el = this.resultContainerEl.createDiv({ cls: 'suggestion-item' });
      this.renderSuggestion(item, el);
      el.addEventListener('click', (e) => this.selectSuggestion(item, e));
      el.addEventListener('mousemove', () => this.select(i));
    });
    this.select(0);
  }

  private select(i: number): void {
    const els = this.resultContainerEl.querySelectorAll('.suggestion-item');
    if (els.length === 0) return;
    this.selected = (i + els.length) % els.length;
    els.forEach((el, j) => el.classList.toggle('is-selected', j === this.selected));
  }

  selectSuggestion(value: T, evt: MouseEvent | KeyboardEvent): void {
    this.close();
    this.onChooseSuggestion(value, evt);
  }

  abstract getSuggestions(query: string): T[] | Promise<T[]>;
  abstract renderSuggestion(value: T, el: HTMLElement): void;
  abstract onChooseSuggestion(item: T, evt: MouseEvent | KeyboardEvent): void;
}

abstract class BaseComponent implements Like<O.BaseComponent, 'disabled' | 'then' | 'setDisabled', BaseComponent> {
  disabled = false;
  then(cb: (component: this) => unknown): this {
    cb(this);
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }
}

export class TextComponent extends BaseComponent implements Like<O.TextComponent, 'inputEl' | 'getValue' | 'setValue' | 'setPlaceholder' | 'onChange', TextComponent> {
  inputEl: HTMLInputElement;
  constructor(containerEl: HTMLElement) {
    super();
    this.inputEl = containerEl.createEl('input', { type: 'text' });
  }
  getValue(): string {
    return this.inputEl.value;
  }
  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }
  setPlaceholder(placeholder: string): this {
    this.inputEl.placeholder = placeholder;
    return this;
  }
  onChange(callback: (value: string) => unknown): this {
    this.inputEl.addEventListener('input', () => callback(this.getValue()));
    return this;
  }
  override setDisabled(disabled: boolean): this {
    this.inputEl.disabled = disabled;
    return super.setDisabled(disabled);
  }
}

export class SearchComponent extends TextComponent {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createDiv({ cls: 'search-input-container' }));
    this.inputEl.type = 'search';
  }
}

export class ToggleComponent extends BaseComponent implements Like<O.ToggleComponent, 'toggleEl' | 'getValue' | 'setValue' | 'onChange', ToggleComponent> {
  toggleEl: HTMLElement;
  private value = false;
  private listeners: ((value: boolean) => unknown)[] = [];
  constructor(containerEl: HTMLElement) {
    super();
    this.toggleEl = containerEl.createDiv({ cls: 'checkbox-container', attr: { tabindex: 0, role: 'switch' } });
    const flip = () => {
      if (this.disabled) return;
      this.setValue(!this.value);
      for (const l of this.listeners) l(this.value);
    };
    this.toggleEl.addEventListener('click', flip);
    this.toggleEl.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        flip();
      }
    });
  }
  getValue(): boolean {
    return this.value;
  }
  setValue(on: boolean): this {
    this.value = on;
    this.toggleEl.toggleClass('is-enabled', on);
    this.toggleEl.setAttr('aria-checked', on);
    return this;
  }
  onChange(callback: (value: boolean) => unknown): this {
    this.listeners.push(callback);
    return this;
  }
}

/** Selects an option (a browser's `select.value = v`; linkedom's select has no setter, so by attribute). */
export function selectOption(select: HTMLSelectElement, value: string): void {
  select.querySelectorAll('option').forEach((o) => (o.value === value ? o.setAttribute('selected', '') : o.removeAttribute('selected')));
  try {
    select.value = value;
  } catch {
    // linkedom: the attribute above is the selection.
  }
}

export class DropdownComponent extends BaseComponent implements Like<O.DropdownComponent, 'selectEl' | 'addOption' | 'addOptions' | 'getValue' | 'setValue' | 'onChange', DropdownComponent> {
  selectEl: HTMLSelectElement;
  constructor(containerEl: HTMLElement) {
    super();
    this.selectEl = containerEl.createEl('select', { cls: 'dropdown' });
  }
  addOption(value: string, display: string): this {
    this.selectEl.createEl('option', { value, text: display });
    return this;
  }
  addOptions(options: Record<string, string>): this {
    for (const [v, d] of Object.entries(options)) this.addOption(v, d);
    return this;
  }
  getValue(): string {
    return this.selectEl.value;
  }
  setValue(value: string): this {
    selectOption(this.selectEl, value);
    return this;
  }
  onChange(callback: (value: string) => unknown): this {
    this.selectEl.addEventListener('change', () => callback(this.getValue()));
    return this;
  }
}

export class ButtonComponent extends BaseComponent implements Like<O.ButtonComponent, 'buttonEl' | 'setButtonText' | 'setCta' | 'onClick', ButtonComponent> {
  buttonEl: HTMLButtonElement;
  constructor(containerEl: HTMLElement) {
    super();
    this.buttonEl = containerEl.createEl('button');
  }
  setButtonText(name: string): this {
    this.buttonEl.setText(name);
    return this;
  }
  setCta(): this {
    this.buttonEl.addClass('mod-cta');
    return this;
  }
  setWarning(): this {
    this.buttonEl.addClass('mod-warning');
    return this;
  }
  setTooltip(tooltip: string): this {
    this.buttonEl.setAttr('aria-label', tooltip);
    return this;
  }
  onClick(callback: (evt: MouseEvent) => unknown): this {
    this.buttonEl.addEventListener('click', callback);
    return this;
  }
}

export class Setting implements Like<O.Setting, 'settingEl' | 'infoEl' | 'nameEl' | 'descEl' | 'controlEl' | 'setName' | 'setDesc' | 'setClass' | 'setHeading' | 'addText' | 'addToggle' | 'addDropdown' | 'addButton' | 'addSearch', Setting> {
  settingEl: HTMLElement;
  infoEl: HTMLElement;
  nameEl: HTMLElement;
  descEl: HTMLElement;
  controlEl: HTMLElement;
  constructor(containerEl: HTMLElement) {
    this.settingEl = containerEl.createDiv({ cls: 'setting-item' });
    this.infoEl = this.settingEl.createDiv({ cls: 'setting-item-info' });
    this.nameEl = this.infoEl.createDiv({ cls: 'setting-item-name' });
    this.descEl = this.infoEl.createDiv({ cls: 'setting-item-description' });
    this.controlEl = this.settingEl.createDiv({ cls: 'setting-item-control' });
  }
  setName(name: string | DocumentFragment): this {
    this.nameEl.setText(name);
    return this;
  }
  setDesc(desc: string | DocumentFragment): this {
    this.descEl.setText(desc);
    return this;
  }
  setClass(cls: string): this {
    this.settingEl.addClass(cls);
    return this;
  }
  setHeading(): this {
    this.settingEl.addClass('setting-item-heading');
    return this;
  }
  addText(cb: (component: O.TextComponent) => unknown): this {
    return this.add(TextComponent, cb);
  }
  addSearch(cb: (component: O.SearchComponent) => unknown): this {
    return this.add(SearchComponent, cb);
  }
  addToggle(cb: (component: O.ToggleComponent) => unknown): this {
    return this.add(ToggleComponent, cb);
  }
  addDropdown(cb: (component: O.DropdownComponent) => unknown): this {
    return this.add(DropdownComponent, cb);
  }
  addButton(cb: (component: O.ButtonComponent) => unknown): this {
    return this.add(ButtonComponent, cb);
  }
  /** A control of the double in this setting's control area, handed to the plugin as Obsidian's type. */
  private add<T>(Control: new (el: HTMLElement) => unknown, cb: (component: T) => unknown): this {
    cb(new Control(this.controlEl) as T);
    return this;
  }
}

export abstract class PluginSettingTab implements Like<O.PluginSettingTab, 'containerEl' | 'display' | 'hide', PluginSettingTab> {
  containerEl: HTMLElement;
  constructor(
    readonly app: App,
    readonly plugin: O.Plugin,
  ) {
    this.containerEl = createDiv({ cls: 'vertical-tab-content' });
  }
  abstract display(): void;
  hide(): void {
    this.containerEl.empty();
  }
}

export function debounce<T extends unknown[], V>(cb: (...args: [...T]) => V, timeout = 0, resetTimer = false): O.Debouncer<T, V> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: T | undefined;
  const fire = () => {
    timer = undefined;
    if (last) cb(...last);
  };
  const d = ((...args: T) => {
    last = args;
    if (timer !== undefined && !resetTimer) return d;
    clearTimeout(timer);
    timer = setTimeout(fire, timeout);
    return d;
  }) as O.Debouncer<T, V>;
  d.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    return d;
  };
  d.run = () => {
    if (timer === undefined) return undefined;
    clearTimeout(timer);
    fire();
    return undefined;
  };
  return d;
}

export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/\/+/g, '/').replace(/^\/|\/$/g, '') || '/';
}

export function setIcon(parent: HTMLElement, iconId: string): void {
  parent.setAttr('data-icon', iconId);
}
