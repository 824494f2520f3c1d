import { useState } from 'react';

/**
 * A "Delete" button that asks before acting: the first press shows "Delete <what>?" with
 * "Confirm delete" and "Cancel" buttons; `onConfirm` runs on the second.
 * Accessible names: `Delete <what>`, `Confirm delete <what>`, `Cancel delete`.
 */
export function ConfirmDelete({
  what,
  onConfirm,
  busy = false,
}: {
  what: string;
  onConfirm: () => void;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="crud-danger" aria-label={`Delete ${what}`} onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  }
  return (
    <span className="crud-confirm" role="group" aria-label={`Confirm deleting ${what}`}>
      <span>Delete {what}?</span>
      <button
        type="button"
        className="crud-danger"
        aria-label={`Confirm delete ${what}`}
        disabled={busy}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, delete
      </button>
      <button type="button" aria-label="Cancel delete" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
