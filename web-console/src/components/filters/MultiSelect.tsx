import { useId, useState } from 'react';
import { DraftInput } from './DraftInput';
import { formatList, parseList } from './filterEdit';

export interface MultiSelectProps {
  /** Visible label and accessible name of the group (`Models`). */
  label: string;
  /** The values chosen. */
  selected: readonly string[];
  /** The values to choose from; `null` when unknown: the values are then typed, comma-separated. */
  options: readonly string[] | null;
  onChange: (next: string[]) => void;
  /** Lets values outside `options` be typed too (project values not seen yet). Default true. */
  allowOther?: boolean;
  /** Shown beside each option (`in_progress` -> `in progress`). */
  describe?: (option: string) => string;
  /** The options are still loading (says so instead of "No values yet"). */
  loading?: boolean;
}

const normalizeList = (text: string) => parseList(text).join('\u0000');

/**
 * Several values of one filter parameter: a group of checkboxes named by `label` (chosen values
 * not among `options` are listed too), plus a text input `Other <label>` for values not listed;
 * with `options === null`, one text input named `label` taking comma-separated values.
 */
export function MultiSelect({
  label,
  selected,
  options,
  onChange,
  allowOther = true,
  describe,
  loading = false,
}: MultiSelectProps) {
  const id = useId();
  const [other, setOther] = useState('');
  if (options === null) {
    return (
      <div className="fp-field">
        <label htmlFor={id}>{label}</label>
        <DraftInput
          id={id}
          type="text"
          value={formatList(selected)}
          normalize={normalizeList}
          onCommit={(text) => onChange(parseList(text))}
          placeholder="comma-separated"
        />
      </div>
    );
  }
  const addOther = () => {
    const added = parseList(other).filter((v) => !selected.includes(v));
    if (added.length > 0) onChange([...selected, ...added]);
    setOther('');
  };
  const shown = [...options, ...selected.filter((v) => !options.includes(v))];
  const toggle = (option: string, on: boolean) =>
    onChange(on ? [...selected.filter((v) => v !== option), option] : selected.filter((v) => v !== option));
  return (
    <fieldset className="fp-multi">
      <legend>{label}</legend>
      {shown.length === 0 ? <p className="hint">{loading ? 'Loading values…' : 'No values yet.'}</p> : null}
      <div className="fp-options">
        {shown.map((option) => (
          <label key={option} className="fp-option">
            <input
              type="checkbox"
              checked={selected.includes(option)}
              onChange={(e) => toggle(option, e.target.checked)}
            />
            <span>{describe ? describe(option) : option}</span>
          </label>
        ))}
      </div>
      {allowOther ? (
        <input
          type="text"
          aria-label={`Other ${label.toLowerCase()}`}
          placeholder="other values, Enter to add"
          className="fp-other"
          value={other}
          onChange={(e) => setOther(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              addOther();
            }
          }}
          onBlur={addOther}
        />
      ) : null}
    </fieldset>
  );
}
