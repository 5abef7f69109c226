// `class X implements Like<O.X, 'a' | 'b', X>`: the double offers these members of Obsidian's own class
// with the same signatures (methods that return the Obsidian object for chaining return the double's),
// so a change in Obsidian's type definitions fails the type check here.
export type Like<T, K extends keyof T, Self> = {
  [P in K]: T[P] extends (...args: infer A) => infer R ? ([R] extends [T] ? (...args: A) => Self : T[P]) : T[P];
};
