import type { ReactNode } from 'react';

/**
 * One term of a description list (`<dl>`): `<div class={className}><dt>{label}</dt><dd>…</dd></div>`,
 * `children` being the value; `valueClassName` goes on the `<dd>`.
 */
export function Fact({
  label,
  className,
  valueClassName,
  children,
}: {
  label: string;
  className?: string;
  valueClassName?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <dt>{label}</dt>
      <dd className={valueClassName}>{children}</dd>
    </div>
  );
}
