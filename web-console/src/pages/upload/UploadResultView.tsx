import { Link } from 'react-router';
import type { UploadResult } from './uploadModel';
import { StaticTable } from '../../components/crud/StaticTable';

const SHOWN_IDS = 50;

/**
 * One file's outcome: the error of a non-2xx answer, the accepted/rejected counts, links to the
 * accepted traces and the table of refused lines (accessible name `Refused lines of <file>`).
 */
export function UploadResultView({ fileName, result }: { fileName: string; result: UploadResult }) {
  const answer = result.answer;
  return (
    <div className="upload-result">
      {result.error && (
        <div role="alert" className="error-banner">
          <strong>Error{result.status ? ` ${result.status}` : ''}:</strong> <span>{result.error}</span>
        </div>
      )}
      {answer && (
        <p role="status" aria-label={`Summary of ${fileName}`}>
          <span className={answer.accepted_traces > 0 ? 'status-ok' : undefined}>
            <span aria-hidden="true">✓</span> {plural(answer.accepted_traces, 'trace')} accepted (
            {plural(answer.accepted_spans, 'span')})
          </span>
          {' · '}
          <span className={answer.rejected_traces > 0 ? 'status-error' : undefined}>
            {answer.rejected_traces > 0 && <span aria-hidden="true">✕ </span>}
            {plural(answer.rejected_traces, 'trace')} rejected
          </span>
        </p>
      )}
      {answer && answer.trace_ids.length > 0 && (
        <details open={answer.trace_ids.length <= 5}>
          <summary>Accepted traces ({answer.trace_ids.length})</summary>
          <ul className="upload-ids mono" aria-label={`Accepted traces of ${fileName}`}>
            {answer.trace_ids.slice(0, SHOWN_IDS).map((id) => (
              <li key={id}>
                <Link to={`/traces/${encodeURIComponent(id)}`}>{id}</Link>
              </li>
            ))}
          </ul>
          {answer.trace_ids.length > SHOWN_IDS && (
            <p className="muted">and {answer.trace_ids.length - SHOWN_IDS} more</p>
          )}
        </details>
      )}
      {answer && answer.errors.length > 0 && (
        <>
          <h3>Refused lines</h3>
          {answer.error_count > answer.errors.length && (
            <p className="muted">
              Showing the first {answer.errors.length} of {answer.error_count} errors.
            </p>
          )}
          <StaticTable
            label={`Refused lines of ${fileName}`}
            columns={['Line', 'Id', 'Pointer', 'Rule', 'Message']}
            numericColumns={['Line']}
          >
            {answer.errors.map((e, i) => (
              <tr key={i}>
                <td className="num">{e.line ?? '–'}</td>
                <td className="mono">{e.id ?? '–'}</td>
                <td className="mono">{e.pointer === '' ? '(the trace)' : (e.pointer ?? '–')}</td>
                <td>{e.rule ?? '–'}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </StaticTable>
        </>
      )}
    </div>
  );
}

/** `1 trace`, `2 traces`. */
function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}
