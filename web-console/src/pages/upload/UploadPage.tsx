import { useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { formatCount } from '../../format';
import { UploadResultView } from './UploadResultView';
import { uploadFile } from './uploadModel';
import type { UploadResult } from './uploadModel';
import '../../components/crud/crud.css';
import './upload.css';

interface Entry {
  id: number;
  name: string;
  size: number;
  /** 0..1 sent. */
  progress: number;
  result: UploadResult | null;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * `/upload`: drop `.json` / `.jsonl` files (or "Choose files"); each is POSTed to
 * `/api/v1/traces/upload` one after another with upload progress (`Upload progress of <file>`
 * progress bars), then shows accepted/rejected counts, the refused lines and links to the
 * accepted traces.
 */
export function UploadPage() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [dragging, setDragging] = useState(false);
  const nextId = useRef(1);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const input = useRef<HTMLInputElement>(null);

  const update = (id: number, change: Partial<Entry>) =>
    setEntries((list) => list.map((e) => (e.id === id ? { ...e, ...change } : e)));

  const add = (files: FileList | File[]) => {
    const added = Array.from(files).map((file) => ({ file, id: nextId.current++ }));
    if (added.length === 0) return;
    setEntries((list) => [
      ...added.map(({ file, id }) => ({ id, name: file.name, size: file.size, progress: 0, result: null })).reverse(),
      ...list,
    ]);
    for (const { file, id } of added) {
      queue.current = queue.current.then(async () => {
        const result = await uploadFile(file, (progress) => update(id, { progress }));
        update(id, { result, progress: 1 });
      });
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  return (
    <div className="upload-page">
      <h1>Upload traces</h1>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        role="region"
        aria-label="Drop files here"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop <code>.json</code> (one trace or an array) or <code>.jsonl</code> (one trace per line) files here, or
        </p>
        <label className="file-button">
          <input
            ref={input}
            type="file"
            multiple
            accept=".json,.jsonl,.ndjson,application/json,application/x-ndjson"
            onChange={(e) => {
              if (e.target.files) add(e.target.files);
              e.target.value = '';
            }}
          />
          Choose files
        </label>
        <p className="hint">
          Native trace format: <code>{'{"id", "name", "inputs", "outputs", "spans": [...]}'}</code>, schema at{' '}
          <a href="/api/v1/schemas/trace.schema.json">/api/v1/schemas/trace.schema.json</a>. Up to 50 MiB a file; a bad
          line does not stop the others.
        </p>
      </div>
      {entries.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {entries.map((entry) => (
            <li key={entry.id} className="upload-entry" aria-label={entry.name}>
              <div className="upload-head">
                <strong>{entry.name}</strong>
                <span className="muted">{formatBytes(entry.size)}</span>
                <progress
                  max={100}
                  value={Math.round(entry.progress * 100)}
                  aria-label={`Upload progress of ${entry.name}`}
                />
                <span className="muted">
                  {entry.result
                    ? entry.result.error
                      ? 'failed'
                      : 'done'
                    : entry.progress >= 1
                      ? 'processing…'
                      : entry.progress > 0
                        ? `${formatCount(Math.round(entry.progress * 100))} %`
                        : 'waiting'}
                </span>
              </div>
              {entry.result && <UploadResultView fileName={entry.name} result={entry.result} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
