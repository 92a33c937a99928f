/** Numbers as Chinese readers write them. */
const NUMBER = new Intl.NumberFormat("zh-CN");

export function number(value: number): string {
  return NUMBER.format(value);
}
