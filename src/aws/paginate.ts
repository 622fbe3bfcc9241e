import { doing } from "../cli/errors.ts";

/**
 * Every item of a paginated AWS list (the SDK's paginateX iterators), with one error wrap: `what`
 * says what was being listed ("listing channels").
 */
export function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined, what: string): Promise<T[]> {
  return doing(what, async () => {
    const out: T[] = [];
    for await (const page of pages) out.push(...(items(page) ?? []));
    return out;
  });
}
