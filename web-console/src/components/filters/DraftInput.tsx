import { useEffect, useRef, useState } from 'react';
import type { InputHTMLAttributes, Ref } from 'react';

/** How long typing pauses before a text input's value is applied. */
export const TYPING_DEBOUNCE_MILLIS = 300;

export interface DraftInputProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'defaultValue'
> {
  /** The applied value, as the input shows it (already formatted). */
  value: string;
  /** Applies the typed text: after a pause in typing, on Enter and on leaving the input. */
  onCommit: (text: string) => void;
  /**
   * Normal form of a text, to tell whether the applied value differs from what is typed
   * (`1,` and `1` are the same list); defaults to the trimmed text.
   */
  normalize?: (text: string) => string;
  inputRef?: Ref<HTMLInputElement>;
  /** Apply after a pause in typing (default); false: only on Enter and blur. */
  debounce?: boolean;
}

/**
 * A text input that keeps what is being typed and applies it after {@link TYPING_DEBOUNCE_MILLIS}
 * of quiet, on Enter (which never submits an enclosing form) and on blur. A new applied value
 * from outside (Clear filters, back button) replaces the text unless it means the same.
 */
export function DraftInput({
  value,
  onCommit,
  normalize = (t) => t.trim(),
  inputRef,
  debounce = true,
  ...rest
}: DraftInputProps) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const commitRef = useRef(onCommit);
  commitRef.current = onCommit;
  const normalizeRef = useRef(normalize);
  normalizeRef.current = normalize;
  const lastCommitted = useRef(value);

  useEffect(() => {
    lastCommitted.current = value;
    setText((current) => (normalizeRef.current(current) === normalizeRef.current(value) ? current : value));
  }, [value]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const commit = (next: string) => {
    clearTimeout(timer.current);
    if (normalizeRef.current(next) === normalizeRef.current(lastCommitted.current)) return;
    lastCommitted.current = next;
    commitRef.current(next);
  };

  return (
    <input
      {...rest}
      ref={inputRef}
      value={text}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        clearTimeout(timer.current);
        if (debounce) timer.current = setTimeout(() => commit(next), TYPING_DEBOUNCE_MILLIS);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit(text);
        }
        rest.onKeyDown?.(e);
      }}
      onBlur={(e) => {
        commit(text);
        rest.onBlur?.(e);
      }}
    />
  );
}
