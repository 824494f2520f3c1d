import type { ReactNode } from 'react';

/**
 * A labelled form field that shows the API's complaint when a 400 names it: the wrapper gets
 * `field-invalid`, the message is shown under the control (id `<id>-error`, to be referenced by
 * the control's `aria-describedby`). `children` is the control, with `id` = `htmlFor`.
 */
export function FormField({
  htmlFor,
  label,
  error,
  inline = false,
  hint,
  children,
}: {
  htmlFor: string;
  label: string;
  /** The message when this field is at fault, else null/undefined. */
  error?: string | null;
  inline?: boolean;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${inline ? ' inline' : ''}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint && <span className="hint">{hint}</span>}
      {error && (
        <span id={`${htmlFor}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** Props for a control of a {@link FormField}: invalid state and its message's id. */
export function invalidProps(id: string, error: string | null | undefined) {
  return error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
}
