/** Paths name a field the way a user writes it: `limits.timeout`, `runs[3].status`. */

export const childPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);
export const itemPath = (parent: string, index: number): string => `${parent}[${index}]`;
